import { Button, Code, Group, Paper, Stack, Text, Title } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { remote } from "../../api/remote";
import { RemoteErrorAlert } from "./RemoteErrorAlert";

export const KNOWN_HOSTS_KEY = ["remote", "known-hosts"] as const;

/** The host keys this viewer trusts; forgetting one makes the next connection ask again. */
export function KnownHostsCard() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const hosts = useQuery({ queryKey: KNOWN_HOSTS_KEY, queryFn: remote.knownHosts });
  const forget = useMutation({
    mutationFn: ({ host, port }: { host: string; port: number }) => remote.forgetHostKey(host, port),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: KNOWN_HOSTS_KEY }),
  });
  const entries = hosts.data?.entries ?? [];
  return (
    <Paper withBorder p="md" radius="sm" data-testid="known-hosts">
      <Title order={5} mb="xs">
        {t("remote.knownHosts.title")}
      </Title>
      {hosts.error && <RemoteErrorAlert error={hosts.error} />}
      {forget.error && <RemoteErrorAlert error={forget.error} />}
      {!hosts.isPending && entries.length === 0 && (
        <Text size="sm" c="dimmed">
          {t("remote.knownHosts.empty")}
        </Text>
      )}
      <Stack gap="xs">
        {entries.map(({ host, port, ...entry }) => (
          <Group key={`${entry.known_hosts_host} ${entry.key_type}`} justify="space-between" wrap="nowrap" data-testid="known-host">
            <Stack gap={0} style={{ minWidth: 0 }}>
              <Text size="sm" fw={500} truncate>
                {entry.known_hosts_host}
              </Text>
              <Code style={{ overflowWrap: "anywhere" }}>
                {entry.key_type} {entry.fingerprint_sha256}
              </Code>
            </Stack>
            {host !== null && port !== null && (
              <Button
                size="compact-sm"
                variant="subtle"
                color="red"
                aria-label={t("remote.knownHosts.forgetLabel", { host: entry.known_hosts_host })}
                loading={forget.isPending && forget.variables?.host === host}
                onClick={() => forget.mutate({ host, port })}
              >
                {t("remote.knownHosts.forget")}
              </Button>
            )}
          </Group>
        ))}
      </Stack>
    </Paper>
  );
}
