import { Center, Loader } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { settingsApi, settingsKeys } from "../../api/settings";
import { ErrorAlert } from "../../components/ErrorAlert";
import { StorageRootForm } from "./StorageRootForm";

export function StorageRootSection() {
  const queryClient = useQueryClient();
  const config = useQuery({ queryKey: settingsKeys.config, queryFn: settingsApi.config, staleTime: 0 });
  const change = useMutation({
    mutationFn: settingsApi.setUserRootDir,
    onSuccess: (answer) => {
      queryClient.setQueryData(settingsKeys.config, (old: typeof config.data) => old && { ...old, storage: answer.storage, user_root_dir: answer.user_root_dir });
      // Every cached run, metric, project and count belonged to the old root: the experiments
      // page (and any run page) must ask again rather than show the old root's runs.
      void queryClient.invalidateQueries({ predicate: (query) => query.queryKey[0] !== settingsKeys.config[0] });
    },
  });

  if (config.isPending) {
    return (
      <Center h={120}>
        <Loader />
      </Center>
    );
  }
  if (config.error) return <ErrorAlert error={config.error} onRetry={() => void config.refetch()} />;
  return (
    <StorageRootForm
      config={config.data}
      saving={change.isPending}
      error={change.error}
      switchedTo={change.data?.storage ?? null}
      onSave={(path) => change.mutate(path)}
      onEdit={() => {
        if (change.error || change.data) change.reset();
      }}
    />
  );
}
