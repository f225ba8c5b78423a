import { useState } from "react";
import { Alert, Button, Center, Code, Loader, Paper, Stack, Table, Text, Title } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { createToken, listTokens, revokeToken, TOKENS_KEY, type ApiToken, type NewApiToken } from "../../api/auth";
import { useAuth } from "../../auth/useAuth";
import { ErrorAlert } from "../../components/ErrorAlert";
import { formatTime } from "../../lib/format";
import { CreateTokenForm } from "./CreateTokenForm";
import { RevokeTokenDialog } from "./RevokeTokenDialog";
import { TokenCreatedDialog } from "./TokenCreatedDialog";
import { TokenUsage } from "./TokenUsage";

const seconds = (iso: string | null) => (iso ? Date.parse(iso) / 1000 : null);

/** The signed-in user's API tokens: list, create (secret shown once), revoke. */
export default function TokensPage() {
  const { t } = useTranslation();
  const auth = useAuth();
  const queryClient = useQueryClient();
  const enabled = auth.loaded && auth.required;
  const tokens = useQuery({ queryKey: TOKENS_KEY, queryFn: listTokens, enabled, staleTime: 0 });
  const [created, setCreated] = useState<NewApiToken | null>(null);
  const [revoking, setRevoking] = useState<ApiToken | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const create = useMutation({
    mutationFn: ({ name, days }: { name: string; days: number | null }) => createToken(name, days),
    onSuccess: (token) => {
      setNotice(null);
      setCreated(token);
      void queryClient.invalidateQueries({ queryKey: TOKENS_KEY });
    },
  });
  const revoke = useMutation({
    mutationFn: (token: ApiToken) => revokeToken(token.id),
    onSuccess: (_answer, token) => {
      setRevoking(null);
      setNotice(t("auth.revoked", { name: token.name }));
      void queryClient.invalidateQueries({ queryKey: TOKENS_KEY });
    },
  });

  if (!auth.loaded) {
    return (
      <Center h={300}>
        <Loader />
      </Center>
    );
  }
  if (!auth.required) {
    return (
      <Stack gap="md" maw={900}>
        <Title order={3}>{t("auth.tokensTitle")}</Title>
        <Alert color="blue" data-testid="tokens-no-accounts">
          {t("auth.noAccounts")}
        </Alert>
      </Stack>
    );
  }

  const list = tokens.data ?? [];
  return (
    <Stack gap="md" maw={1100}>
      <div>
        <Title order={3}>{t("auth.tokensTitle")}</Title>
        <Text size="sm" c="dimmed" mt={4}>
          {t("auth.tokensIntro")}
        </Text>
      </div>
      <CreateTokenForm busy={create.isPending} onCreate={(name, days) => create.mutate({ name, days })} />
      {create.error && <ErrorAlert error={create.error} />}
      {revoke.error && <ErrorAlert error={revoke.error} />}
      {notice && (
        <Alert color="teal" withCloseButton onClose={() => setNotice(null)} data-testid="tokens-notice">
          {notice}
        </Alert>
      )}
      {tokens.error && <ErrorAlert error={tokens.error} onRetry={() => void tokens.refetch()} />}
      <Paper withBorder radius="sm">
        {tokens.isPending ? (
          <Center h={120}>
            <Loader />
          </Center>
        ) : list.length === 0 ? (
          <Center h={100}>
            <Text c="dimmed" size="sm" data-testid="tokens-empty">
              {t("auth.noTokens")}
            </Text>
          </Center>
        ) : (
          <Table.ScrollContainer minWidth={760}>
            <Table highlightOnHover data-testid="tokens-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t("auth.colName")}</Table.Th>
                  <Table.Th>{t("auth.colPrefix")}</Table.Th>
                  <Table.Th>{t("auth.colCreated")}</Table.Th>
                  <Table.Th>{t("auth.colLastUsed")}</Table.Th>
                  <Table.Th>{t("auth.colExpires")}</Table.Th>
                  <Table.Th w={110} />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.map((token) => (
                  <Table.Tr key={token.id} data-token-id={token.id} data-testid="token-row">
                    <Table.Td>
                      <Text size="sm" fw={500}>
                        {token.name}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Code>{token.prefix}…</Code>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{formatTime(seconds(token.created_at))}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" data-testid="token-last-used">
                        {formatTime(seconds(token.last_used_at), t("auth.neverUsed"))}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{formatTime(seconds(token.expires_at), t("auth.never"))}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Button size="xs" color="red" variant="light" onClick={() => setRevoking(token)} data-testid="token-revoke">
                        {t("auth.revoke")}
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Paper>
      <TokenUsage origin={window.location.origin} />
      <TokenCreatedDialog
        token={created}
        onDone={() => {
          setCreated(null);
          create.reset(); // the mutation's answer holds the secret too
        }}
      />
      <RevokeTokenDialog
        token={revoking}
        busy={revoke.isPending}
        onCancel={() => {
          setRevoking(null);
          revoke.reset();
        }}
        onConfirm={() => revoking && revoke.mutate(revoking)}
      />
    </Stack>
  );
}
