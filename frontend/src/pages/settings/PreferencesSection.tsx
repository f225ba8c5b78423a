import { useState, type ReactNode } from "react";
import { Group, SegmentedControl, Slider, Stack, Text, useMantineColorScheme, type MantineColorScheme } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { LANGUAGES, setLanguage, type Language } from "../../i18n";
import { MAX_SMOOTHING, loadChartDefaults, saveChartDefaults, type ChartDefaults } from "../../lib/chartDefaults";
import type { XMode } from "../../lib/series";

function Row({ label, help, children }: { label: string; help?: string; children: ReactNode }) {
  return (
    <Stack gap={4}>
      <Text size="sm" fw={500}>
        {label}
      </Text>
      {children}
      {help && (
        <Text size="xs" c="dimmed">
          {help}
        </Text>
      )}
    </Stack>
  );
}

/** Theme and language: the same stores the header's controls use, so both stay in step. */
export function AppearanceSection() {
  const { t, i18n } = useTranslation();
  const { colorScheme, setColorScheme } = useMantineColorScheme();
  return (
    <Stack gap="md">
      <Row label={t("settings.theme")}>
        <SegmentedControl
          value={colorScheme}
          onChange={(v) => setColorScheme(v as MantineColorScheme)}
          data={[
            { value: "light", label: t("settings.themeLight") },
            { value: "dark", label: t("settings.themeDark") },
            { value: "auto", label: t("settings.themeAuto") },
          ]}
          data-testid="settings-theme"
        />
      </Row>
      <Row label={t("settings.language")}>
        <SegmentedControl
          value={i18n.language}
          onChange={(v) => setLanguage(v as Language)}
          data={LANGUAGES.map((l) => ({ value: l.value, label: l.label }))}
          data-testid="settings-language"
        />
      </Row>
    </Stack>
  );
}

/** How metric charts start on the run and compare pages (remembered in this browser). */
export function ChartDefaultsSection() {
  const { t } = useTranslation();
  const [defaults, setDefaults] = useState<ChartDefaults>(loadChartDefaults);
  const change = (next: Partial<ChartDefaults>) => setDefaults(saveChartDefaults(next));
  return (
    <Stack gap="md">
      <Row label={t("settings.defaultSmoothing")}>
        <Group gap="sm" wrap="nowrap">
          <Slider
            style={{ flex: 1 }}
            min={0}
            max={MAX_SMOOTHING}
            step={0.01}
            value={defaults.smoothing}
            onChange={(smoothing) => change({ smoothing })}
            label={(v) => v.toFixed(2)}
            data-testid="default-smoothing"
          />
          <Text size="sm" ff="monospace" w={36} ta="right" data-testid="default-smoothing-value">
            {defaults.smoothing.toFixed(2)}
          </Text>
        </Group>
      </Row>
      <Row label={t("settings.defaultXAxis")} help={t("settings.chartDefaultsHelp")}>
        <SegmentedControl
          value={defaults.xAxis}
          onChange={(v) => change({ xAxis: v as XMode })}
          data={[
            { value: "step", label: t("run.step") },
            { value: "time", label: t("run.time") },
            { value: "epoch", label: t("run.epoch") },
          ]}
          data-testid="default-x-axis"
        />
      </Row>
    </Stack>
  );
}
