import { useEffect, useReducer, useState } from "react";
import { Alert, Center, Grid, Loader, Paper, Stack, Stepper, Text, Title } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import {
  RemoteApiError,
  remote,
  type ConnectRequest,
  type RemoteConnection,
} from "../../api/remote";
import type { ConnectionInput, SavedConnection } from "../../api/settings";
import type { AdviceContext } from "./advice";
import { ConnectStep, SAVED_QUERY_KEY } from "./ConnectStep";
import { EnvironmentStep } from "./EnvironmentStep";
import { emptyForm, refill, type ConnectForm } from "./form";
import { HostKeyStep } from "./HostKeyStep";
import { KNOWN_HOSTS_KEY, KnownHostsCard } from "./KnownHostsCard";
import { ReviewStep } from "./ReviewStep";
import { SessionPanel } from "./SessionPanel";
import { STEP_INDEX, initialState, wizardReducer } from "./wizard";

const CONNECTIONS_KEY = ["remote", "connections"] as const;

interface Attempt {
  request: ConnectRequest;
  save: ConnectionInput | null;
  context: AdviceContext;
}

const targetOf = (c: RemoteConnection) => ({ host: c.host, port: c.port, username: c.username });

export default function RemotePage() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [state, dispatch] = useReducer(wizardReducer, initialState);
  const [form, setForm] = useState<ConnectForm>(() => emptyForm());
  const [saved, setSaved] = useState<SavedConnection | null>(null);
  const [attempt, setAttempt] = useState<Attempt | null>(null);
  const [saveNotice, setSaveNotice] = useState<{ ok: boolean; text: string } | null>(null);

  // A session already open (another tab, or before a reload) goes straight to its step.
  const connections = useQuery({ queryKey: CONNECTIONS_KEY, queryFn: remote.connections, staleTime: 0 });
  useEffect(() => {
    if (connections.data) dispatch({ type: "resume", connections: connections.data.connections });
  }, [connections.data]);

  const connect = useMutation({
    mutationFn: async ({ request, save }: Attempt) => {
      const connection = await remote.connect(request);
      if (!save) return { connection, saved: null };
      try {
        return { connection, saved: await remote.saveConnection(save) };
      } catch (error) {
        return { connection, saved: error instanceof Error ? error : new Error(String(error)) };
      }
    },
    onMutate: (next) => {
      setAttempt(next);
      setSaveNotice(null);
    },
    onSuccess: ({ connection, saved: outcome }) => {
      if (outcome instanceof Error) setSaveNotice({ ok: false, text: t("remote.form.saveFailed", { message: outcome.message }) });
      else if (outcome) {
        setSaveNotice({ ok: true, text: t("remote.form.savedNotice", { key: outcome.key }) });
        setSaved(outcome.connection);
        void queryClient.invalidateQueries({ queryKey: SAVED_QUERY_KEY });
      }
      setForm((f) => ({ ...f, password: "", passphrase: "" })); // secrets do not linger in the page
      void queryClient.invalidateQueries({ queryKey: CONNECTIONS_KEY });
      dispatch({ type: "connected", connection });
    },
    // A 409 or an accepted key may have changed what is trusted.
    onSettled: () => void queryClient.invalidateQueries({ queryKey: KNOWN_HOSTS_KEY }),
    onError: (error, tried) => {
      if (error instanceof RemoteApiError && error.hostKey) {
        dispatch({ type: "hostKeyRequired", pending: { request: tried.request, save: tried.save, hostKey: error.hostKey } });
      } else if (state.step === "hostKey") {
        dispatch({ type: "hostKeyCancelled" }); // the key is trusted now; the form shows what else failed
      }
    },
  });
  const accept = useMutation({
    mutationFn: remote.acceptHostKey,
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: KNOWN_HOSTS_KEY });
      dispatch({ type: "hostKeyAccepted" });
      if (state.pending) connect.mutate({ request: state.pending.request, save: state.pending.save, context: attempt?.context ?? {} });
    },
  });
  const start = useMutation({
    mutationFn: ({ connectionId, envName, root }: { connectionId: string; envName: string; root: string }) =>
      remote.startViewer(connectionId, envName, root),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ["remote"] });
      setSaveNotice(null);
      dispatch({ type: "viewerStarted" });
    },
  });
  const disconnect = useMutation({
    mutationFn: (connectionId: string) => remote.disconnect(connectionId),
    onSuccess: () => leave("disconnected"),
  });

  const leave = (type: "disconnected" | "reconnect") => {
    const connection = state.connection;
    setForm((f) => refill(f, connection ? targetOf(connection) : null));
    connect.reset();
    start.reset();
    setSaveNotice(null);
    void queryClient.invalidateQueries({ queryKey: CONNECTIONS_KEY });
    dispatch({ type });
  };

  const connectError = connect.isError && !(connect.error instanceof RemoteApiError && connect.error.hostKey) ? connect.error : null;
  const hostKeyDescription =
    state.step === "connect" || state.step === "hostKey" || state.hostKeyConfirmed ? t("remote.steps.hostKeyHint") : t("remote.steps.hostKeyKnown");

  if (connections.isPending) {
    return (
      <Center h={300}>
        <Loader />
      </Center>
    );
  }

  return (
    <Stack gap="md" maw={1400} data-testid="remote-page" data-step={state.step}>
      <div>
        <Title order={3}>{t("remote.title")}</Title>
        <Text size="sm" c="dimmed">
          {t("remote.intro")}
        </Text>
      </div>
      {saveNotice && (
        <Alert color={saveNotice.ok ? "teal" : "orange"} variant="light" withCloseButton onClose={() => setSaveNotice(null)} data-testid="save-notice">
          {saveNotice.text}
        </Alert>
      )}
      <Paper withBorder radius="sm" p="lg">
        <Stepper active={STEP_INDEX[state.step]} size="sm" data-testid="remote-stepper">
          <Stepper.Step label={t("remote.steps.connect")} description={t("remote.steps.connectHint")}>
            <Grid gap="lg" mt="md">
              <Grid.Col span={{ base: 12, md: 7 }}>
                <ConnectStep
                  form={form}
                  saved={saved}
                  onFormChange={setForm}
                  onSavedChange={setSaved}
                  busy={connect.isPending}
                  error={connectError ?? (connections.error as unknown)}
                  errorContext={attempt?.context ?? {}}
                  onConnect={(request, save, context) => connect.mutate({ request, save, context })}
                />
              </Grid.Col>
              <Grid.Col span={{ base: 12, md: 5 }}>
                <KnownHostsCard />
              </Grid.Col>
            </Grid>
          </Stepper.Step>
          <Stepper.Step label={t("remote.steps.hostKey")} description={hostKeyDescription}>
            {state.pending && (
              <HostKeyStep
                hostKey={state.pending.hostKey}
                busy={accept.isPending || connect.isPending}
                error={accept.error}
                onAccept={() => state.pending && accept.mutate(state.pending.hostKey)}
                onCancel={() => {
                  connect.reset();
                  dispatch({ type: "hostKeyCancelled" });
                }}
              />
            )}
          </Stepper.Step>
          <Stepper.Step label={t("remote.steps.environment")} description={t("remote.steps.environmentHint")}>
            {state.connection && (
              <EnvironmentStep
                connection={state.connection}
                initial={state.env}
                disconnecting={disconnect.isPending}
                onChosen={(env) => {
                  start.reset();
                  dispatch({ type: "envChosen", env });
                }}
                onDisconnect={() => state.connection && disconnect.mutate(state.connection.connection_id)}
              />
            )}
          </Stepper.Step>
          <Stepper.Step label={t("remote.steps.start")} description={t("remote.steps.startHint")} loading={start.isPending}>
            {state.connection && state.env && (
              <ReviewStep
                connection={state.connection}
                env={state.env}
                starting={start.isPending}
                error={start.error}
                onBack={() => dispatch({ type: "back" })}
                onStart={(root) =>
                  state.connection && state.env && start.mutate({ connectionId: state.connection.connection_id, envName: state.env.name, root })
                }
              />
            )}
          </Stepper.Step>
          <Stepper.Completed>
            {state.connection && (
              <SessionPanel
                key={state.connection.connection_id}
                connection={state.connection}
                onStartAgain={() => dispatch({ type: "startAgain" })}
                onReconnect={() => leave("reconnect")}
                onDisconnected={() => leave("disconnected")}
              />
            )}
          </Stepper.Completed>
        </Stepper>
      </Paper>
    </Stack>
  );
}
