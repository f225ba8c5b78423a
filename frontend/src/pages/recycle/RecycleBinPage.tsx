import { useState } from "react";
import { Alert, Button, Center, Checkbox, Group, Loader, Paper, Stack, Table, Text, Title, Tooltip } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api } from "../../api/client";
import { useAuth } from "../../auth/useAuth";
import { ErrorAlert } from "../../components/ErrorAlert";
import { StatusBadge } from "../../components/StatusBadge";
import { formatTime } from "../../lib/format";
import { EmptyDialog } from "./EmptyDialog";

export default function RecycleBinPage() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const bin = useQuery({ queryKey: ["recycle-bin"], queryFn: api.recycleBin, staleTime: 0 });
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [confirming, setConfirming] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const { canAdmin } = useAuth(); // emptying deletes files for good: admins only in the team profile

  const afterChange = () => {
    setSelected(new Set());
    void queryClient.invalidateQueries({ queryKey: ["recycle-bin"] });
    void queryClient.invalidateQueries({ queryKey: ["experiments"] });
    void queryClient.invalidateQueries({ queryKey: ["projects"] });
  };
  const restore = useMutation({
    mutationFn: (ids: string[]) => api.restore(ids),
    onSuccess: (result) => {
      setNotice(t("recycle.restored", { count: result.restored_count }));
      afterChange();
    },
  });
  const empty = useMutation({
    mutationFn: api.emptyRecycleBin,
    onSuccess: (result) => {
      setConfirming(false);
      setNotice(t("recycle.emptied", { count: result.permanently_deleted }));
      afterChange();
    },
  });

  const runs = bin.data?.deleted_runs ?? [];
  const all = runs.length > 0 && runs.every((r) => selected.has(r.id));
  const toggle = (id: string) =>
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Title order={3}>{t("recycle.title")}</Title>
        <Group gap="xs">
          <Button disabled={selected.size === 0} loading={restore.isPending} onClick={() => restore.mutate([...selected])} data-testid="restore-selected">
            {t("recycle.restore")} {selected.size > 0 ? `(${selected.size})` : ""}
          </Button>
          <Tooltip label={t("auth.emptyAdminOnly")} disabled={canAdmin} multiline w={280} withArrow>
            {/* data-disabled, not disabled: a disabled button gets no hover, so no tooltip */}
            <Button
              color="red"
              variant="light"
              disabled={runs.length === 0}
              data-disabled={!canAdmin || undefined}
              aria-disabled={!canAdmin || undefined}
              onClick={() => canAdmin && setConfirming(true)}
              data-testid="empty-bin"
            >
              {t("recycle.emptyBin")}
            </Button>
          </Tooltip>
        </Group>
      </Group>
      {notice && (
        <Alert color="teal" withCloseButton onClose={() => setNotice(null)} data-testid="recycle-notice">
          {notice}
        </Alert>
      )}
      {(restore.error || empty.error) && <ErrorAlert error={restore.error ?? empty.error} />}
      {bin.error && <ErrorAlert error={bin.error} onRetry={() => void bin.refetch()} />}
      <Paper withBorder radius="sm">
        {bin.isPending ? (
          <Center h={160}>
            <Loader />
          </Center>
        ) : runs.length === 0 ? (
          <Center h={120}>
            <Text c="dimmed" data-testid="recycle-empty">
              {t("recycle.empty")}
            </Text>
          </Center>
        ) : (
          <Table.ScrollContainer minWidth={700}>
            <Table highlightOnHover data-testid="recycle-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th w={36}>
                    <Checkbox
                      checked={all}
                      indeterminate={selected.size > 0 && !all}
                      onChange={() => setSelected(all ? new Set() : new Set(runs.map((r) => r.id)))}
                      aria-label="select all"
                    />
                  </Table.Th>
                  <Table.Th>{t("recycle.colRun")}</Table.Th>
                  <Table.Th>{t("recycle.colDeletedAt")}</Table.Th>
                  <Table.Th>{t("recycle.colReason")}</Table.Th>
                  <Table.Th>{t("recycle.colStatus")}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {runs.map((run) => (
                  <Table.Tr key={run.id} data-run-id={run.id}>
                    <Table.Td>
                      <Checkbox checked={selected.has(run.id)} onChange={() => toggle(run.id)} aria-label={run.id} data-testid={`bin-select-${run.id}`} />
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" fw={500}>
                        {run.project} / {run.name}
                      </Text>
                      <Text size="xs" c="dimmed" ff="monospace">
                        {run.id}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{formatTime(run.deleted_at)}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{run.delete_reason}</Text>
                    </Table.Td>
                    <Table.Td>
                      <StatusBadge status={run.original_status} />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Paper>
      <EmptyDialog count={runs.length} opened={confirming} busy={empty.isPending} onCancel={() => setConfirming(false)} onConfirm={() => empty.mutate()} />
    </Stack>
  );
}
