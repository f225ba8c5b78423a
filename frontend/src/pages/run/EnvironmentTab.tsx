import { Center, Loader, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api } from "../../api/client";
import type { JsonValue } from "../../api/types";
import { ErrorAlert } from "../../components/ErrorAlert";
import { KeyValueTable } from "../../components/KeyValueTable";
import { flatten } from "../../lib/flatten";
import { humanValue } from "../../lib/humanize";

export function EnvironmentTab({ runId }: { runId: string }) {
  const { t } = useTranslation();
  const env = useQuery({ queryKey: ["environment", runId], queryFn: () => api.environment(runId) });
  if (env.isPending) {
    return (
      <Center h={120}>
        <Loader />
      </Center>
    );
  }
  if (env.error) return <ErrorAlert error={env.error} />;
  if (!env.data.available) {
    return (
      <Text c="dimmed" data-testid="env-unavailable">
        {env.data.reason ?? t("run.envUnavailable")}
      </Text>
    );
  }
  // One table per top-level section (git, python, system, ...); plain values together first.
  const sections = Object.entries(env.data.environment);
  const plain: [string, JsonValue][] = sections.filter(([, v]) => v === null || typeof v !== "object" || Array.isArray(v));
  const nested = sections.filter(([, v]) => v !== null && typeof v === "object" && !Array.isArray(v));
  return (
    <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg" data-testid="environment">
      {plain.length > 0 && <KeyValueTable entries={plain} empty="" format={humanValue} />}
      {nested.map(([name, value]) => (
        <Stack gap="xs" key={name}>
          <Title order={5}>{name}</Title>
          <KeyValueTable entries={flatten(value)} empty={t("run.nothing")} format={(key, v) => humanValue(`${name}.${key}`, v)} />
        </Stack>
      ))}
    </SimpleGrid>
  );
}
