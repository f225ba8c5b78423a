import { useEffect, useState, type FormEvent } from "react";
import { Alert, Button, Center, Loader, Paper, PasswordInput, Stack, Text, TextInput, Title } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { useNavigate, useSearchParams } from "react-router-dom";
import { login, ME_KEY, meQuery, type Me } from "../../api/auth";
import { safeNext } from "../../auth/redirect";
import { useAuth } from "../../auth/useAuth";
import { loginProblem, type LoginProblem } from "./loginError";

function ProblemText({ problem }: { problem: LoginProblem }) {
  const { t } = useTranslation();
  switch (problem.kind) {
    case "wrong":
      return <>{t("auth.wrongCredentials")}</>;
    case "rateLimited":
      return <>{problem.seconds !== null ? t("auth.rateLimitedFor", { seconds: problem.seconds }) : t("auth.rateLimited")}</>;
    case "refused":
      return <>{t("auth.loginRefused", { detail: problem.detail })}</>;
    case "unreachable":
      return <>{problem.status !== null ? t("auth.unreachableStatus", { status: problem.status }) : t("auth.unreachable")}</>;
    case "other":
      return <>{problem.detail}</>;
  }
}

/** Username and password for the team profile; afterwards, the page the user asked for. */
export default function LoginPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const next = safeNext(params.get("next"));
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const auth = useAuth();
  const meState = useQuery(meQuery());
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");

  const signIn = useMutation({
    mutationFn: () => login(username.trim(), password),
    onSuccess: (answer: Me) => {
      // Answers cached while signed out (401s) or as someone else must not show: ask again.
      queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== "auth" });
      void queryClient.invalidateQueries({ queryKey: ["auth", "tokens"] });
      queryClient.setQueryData(ME_KEY, answer);
      void navigate(next, { replace: true });
    },
  });

  // Nothing to do here without accounts (embedded profile) or when already signed in.
  const done = auth.loaded && (!auth.required || auth.user !== null);
  useEffect(() => {
    if (done && !signIn.isPending) void navigate(next, { replace: true });
  }, [done, signIn.isPending, next, navigate]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!username.trim() || !password || signIn.isPending) return;
    signIn.mutate();
  };

  if (!auth.loaded && meState.error) {
    // Without `me` there is no CSRF cookie to sign in with: say why and offer to ask again.
    return (
      <Center h={300}>
        <Alert color="orange" title={t("auth.loginTitle")} data-testid="login-error" data-problem="unreachable">
          <ProblemText problem={loginProblem(meState.error)} />
          <Button size="xs" variant="light" color="orange" ml="sm" loading={meState.isFetching} onClick={() => void meState.refetch()}>
            {t("common.retry")}
          </Button>
        </Alert>
      </Center>
    );
  }
  if (!auth.loaded || done) {
    return (
      <Center h={300}>
        <Loader />
      </Center>
    );
  }
  const problem = signIn.error ? loginProblem(signIn.error) : null;
  return (
    <Center mih="calc(100vh - 140px)">
      <Paper withBorder shadow="sm" radius="md" p="xl" w={400} data-testid="login-page">
        <form onSubmit={submit} noValidate>
          <Stack gap="md">
            <div>
              <Title order={2} size="h3">
                {t("auth.loginTitle")}
              </Title>
              <Text size="sm" c="dimmed" mt={4}>
                {t("auth.loginIntro")}
              </Text>
            </div>
            {problem && (
              <Alert color={problem.kind === "wrong" ? "red" : "orange"} data-testid="login-error" data-problem={problem.kind}>
                <ProblemText problem={problem} />
              </Alert>
            )}
            <TextInput
              label={t("auth.username")}
              name="username"
              autoComplete="username"
              autoFocus
              required
              value={username}
              onChange={(e) => setUsername(e.currentTarget.value)}
              disabled={signIn.isPending}
              data-testid="login-username"
            />
            <PasswordInput
              label={t("auth.password")}
              name="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
              disabled={signIn.isPending}
              data-testid="login-password"
            />
            <Button type="submit" fullWidth loading={signIn.isPending} disabled={!username.trim() || !password} data-testid="login-submit">
              {t("auth.signIn")}
            </Button>
            <Text size="xs" c="dimmed">
              {t("auth.loginHint")}
            </Text>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
