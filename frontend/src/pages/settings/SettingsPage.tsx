import type { ReactNode } from "react";
import { Paper, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { AboutSection } from "./AboutSection";
import { AppearanceSection, ChartDefaultsSection } from "./PreferencesSection";
import { SshConnectionsSection } from "./SshConnectionsSection";
import { StorageRootSection } from "./StorageRootSection";

function Section({ title, description, testId, children }: { title: string; description?: string; testId: string; children: ReactNode }) {
  return (
    <Paper withBorder radius="md" p="lg" data-testid={testId} component="section">
      <Title order={4}>{title}</Title>
      {description && (
        <Text size="sm" c="dimmed" mt={2}>
          {description}
        </Text>
      )}
      <Stack mt="md" gap="sm">
        {children}
      </Stack>
    </Paper>
  );
}

export default function SettingsPage() {
  const { t } = useTranslation();
  return (
    <Stack gap="md" maw={1200} mx="auto">
      <Title order={3}>{t("settings.title")}</Title>
      <Section title={t("settings.storageTitle")} description={t("settings.storageDescription")} testId="settings-storage">
        <StorageRootSection />
      </Section>
      <Section title={t("settings.sshTitle")} testId="settings-ssh">
        <SshConnectionsSection />
      </Section>
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        <Section title={t("settings.appearanceTitle")} testId="settings-appearance">
          <AppearanceSection />
        </Section>
        <Section title={t("settings.chartsTitle")} testId="settings-charts">
          <ChartDefaultsSection />
        </Section>
      </SimpleGrid>
      <Section title={t("settings.aboutTitle")} testId="settings-about">
        <AboutSection />
      </Section>
    </Stack>
  );
}
