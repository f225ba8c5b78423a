import { Badge, Group, Paper, Stack, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import type { CheckName, HealthAnswer } from "../../api/remote";
import type { AdviceContext } from "./advice";
import { RemoteErrorAlert } from "./RemoteErrorAlert";

const CHECKS: CheckName[] = ["ssh_connection", "viewer_process", "tunnel_active"];

/** The three checks of `GET /api/remote/health`, each pass or fail with the reason it failed. */
export function HealthChecks({ health, error, context }: { health: HealthAnswer | null; error: unknown; context: AdviceContext }) {
  const { t } = useTranslation();
  return (
    <Paper withBorder p="md" radius="sm" data-testid="health-checks">
      <Title order={5} mb="xs">
        {t("remote.panel.health")}
      </Title>
      {error != null && <RemoteErrorAlert error={error} context={context} />}
      <Stack gap="xs">
        {CHECKS.map((name) => {
          const result = health?.checks[name];
          const reason = health?.details[name];
          return (
            <Group key={name} justify="space-between" wrap="nowrap" align="flex-start" data-testid={`check-${name}`} data-result={result ?? ""}>
              <Stack gap={0} style={{ minWidth: 0 }}>
                <Text size="sm">{t(`remote.panel.checks.${name}`)}</Text>
                {reason && (
                  <Text size="xs" c="dimmed" style={{ overflowWrap: "anywhere" }}>
                    {reason}
                  </Text>
                )}
              </Stack>
              {result && (
                <Badge color={result === "pass" ? "teal" : "red"} variant="light">
                  {t(`remote.panel.${result}`)}
                </Badge>
              )}
            </Group>
          );
        })}
      </Stack>
    </Paper>
  );
}
