import { useMemo, useState } from "react";
import { Button, Checkbox, Popover, ScrollArea, Stack, Text, TextInput } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api } from "../../api/client";
import { MAX_COLUMNS } from "./columns";

interface Props {
  project: string;
  columns: readonly string[];
  onChange: (columns: string[]) => void;
}

/** The keys the picker offers for a search: summary and config keys of the runs, and the metric typed. */
export function pickerOptions(keys: { summary: string[]; config: string[] } | undefined, search: string): string[] {
  const needle = search.trim().toLowerCase();
  const all = [...(keys?.summary ?? []).map((k) => `summary.${k}`), ...(keys?.config ?? []).map((k) => `config.${k}`)];
  const found = needle ? all.filter((name) => name.toLowerCase().includes(needle)) : all;
  // Metric names are not in the index: the one typed is offered as a metric column.
  const metric = search.trim().replace(/^metric\./, "");
  return metric ? [...found, `metric.${metric}`] : found;
}

/** Add or remove custom columns: any summary or config key of the runs, or a metric's last value. */
export function ColumnPicker({ project, columns, onChange }: Props) {
  const { t } = useTranslation();
  const [opened, setOpened] = useState(false);
  const [search, setSearch] = useState("");
  const keys = useQuery({
    queryKey: ["column-keys", project],
    queryFn: () => api.columnKeys(project || undefined),
    enabled: opened,
    staleTime: 30_000,
  });
  const options = useMemo(() => pickerOptions(keys.data, search), [keys.data, search]);
  const chosen = new Set(columns);
  const toggle = (name: string) =>
    onChange(chosen.has(name) ? columns.filter((c) => c !== name) : [...columns, name].slice(0, MAX_COLUMNS));
  return (
    <Popover opened={opened} onChange={setOpened} position="bottom-end" width={340} shadow="md" trapFocus>
      <Popover.Target>
        <Button size="xs" variant="default" onClick={() => setOpened((o) => !o)} data-testid="column-picker">
          {t("experiments.columns", { count: columns.length })}
        </Button>
      </Popover.Target>
      <Popover.Dropdown data-testid="column-picker-panel">
        <Stack gap="xs">
          <TextInput
            size="xs"
            placeholder={t("experiments.columnSearch")}
            value={search}
            onChange={(e) => setSearch(e.currentTarget.value)}
            data-testid="column-search"
            data-autofocus
          />
          <ScrollArea.Autosize mah={320}>
            <Stack gap={4}>
              {options.map((name) => (
                <Checkbox
                  key={name}
                  size="xs"
                  label={name}
                  checked={chosen.has(name)}
                  onChange={() => toggle(name)}
                  data-testid={`column-option-${name}`}
                />
              ))}
              {options.length === 0 && (
                <Text size="xs" c="dimmed">
                  {keys.isPending ? t("common.loading") : t("experiments.noColumns")}
                </Text>
              )}
            </Stack>
          </ScrollArea.Autosize>
          <Text size="xs" c="dimmed">
            {t("experiments.columnHint")}
          </Text>
        </Stack>
      </Popover.Dropdown>
    </Popover>
  );
}
