import { Anchor, Button, Center, Loader, Paper, Stack, Table, Text, Title, Tooltip } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { fileUrl, type VersionFiles } from "../../api/artifacts";
import { ErrorAlert } from "../../components/ErrorAlert";
import { formatBytes, formatTime } from "../../lib/format";
import { filesQuery } from "./queries";

/** The first 12 hex digits of `sha256:<hex>` (the whole digest in the tooltip). */
export function shortDigest(digest: string): string {
  const hex = digest.includes(":") ? digest.slice(digest.indexOf(":") + 1) : digest;
  return hex.slice(0, 12);
}

export function FilesTables({ name, version, type, files }: { name: string; version: number; type: string; files: VersionFiles }) {
  const { t } = useTranslation();
  return (
    <Stack gap="md">
      <Paper withBorder radius="sm">
        <Title order={5} px="md" pt="sm">
          {t("artifacts.files")}{" "}
          <Text span size="sm" c="dimmed" fw={400}>
            {t("artifacts.filesTotal", { files: files.total_files, size: formatBytes(files.files.reduce((sum, f) => sum + f.size, 0)) })}
          </Text>
        </Title>
        {files.files.length === 0 ? (
          <Center h={80}>
            <Text c="dimmed">{t("artifacts.noFiles")}</Text>
          </Center>
        ) : (
          <Table.ScrollContainer minWidth={700}>
            <Table highlightOnHover data-testid="files-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t("artifacts.colPath")}</Table.Th>
                  <Table.Th ta="right">{t("artifacts.size")}</Table.Th>
                  <Table.Th>{t("artifacts.colDigest")}</Table.Th>
                  <Table.Th>{t("artifacts.colModified")}</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {files.files.map((file) => {
                  const url = fileUrl(name, version, file.path, type);
                  return (
                    <Table.Tr key={file.path} data-testid={`file-row-${file.path}`}>
                      <Table.Td>
                        <Anchor href={url} download size="sm" ff="monospace">
                          {file.path}
                        </Anchor>
                      </Table.Td>
                      <Table.Td ta="right">{formatBytes(file.size)}</Table.Td>
                      <Table.Td>
                        <Tooltip label={file.digest} withArrow>
                          <Text size="xs" ff="monospace" span>
                            {shortDigest(file.digest)}
                          </Text>
                        </Tooltip>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{formatTime(file.modified_at)}</Text>
                      </Table.Td>
                      <Table.Td ta="right">
                        <Button component="a" href={url} download size="compact-xs" variant="light" data-testid={`download-${file.path}`}>
                          {t("artifacts.download")}
                        </Button>
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Paper>
      <Paper withBorder radius="sm">
        <Title order={5} px="md" pt="sm">
          {t("artifacts.externalRefs")}
        </Title>
        {files.references.length === 0 ? (
          <Text c="dimmed" size="sm" px="md" py="sm">
            {t("artifacts.noReferences")}
          </Text>
        ) : (
          <Table data-testid="references-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("artifacts.colUri")}</Table.Th>
                <Table.Th ta="right">{t("artifacts.size")}</Table.Th>
                <Table.Th>{t("artifacts.colChecksum")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {files.references.map((ref) => (
                <Table.Tr key={ref.uri}>
                  <Table.Td>
                    <Text size="sm" ff="monospace">
                      {ref.uri}
                    </Text>
                  </Table.Td>
                  <Table.Td ta="right">{ref.size !== null ? formatBytes(ref.size) : "—"}</Table.Td>
                  <Table.Td>
                    <Text size="xs" ff="monospace">
                      {ref.checksum ?? "—"}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Paper>
    </Stack>
  );
}

export function FilesPanel({ name, version, type }: { name: string; version: number; type: string }) {
  const files = useQuery(filesQuery(name, version, type));
  if (files.isPending) {
    return (
      <Center h={120}>
        <Loader />
      </Center>
    );
  }
  if (files.error) return <ErrorAlert error={files.error} onRetry={() => void files.refetch()} />;
  return <FilesTables name={name} version={version} type={type} files={files.data} />;
}
