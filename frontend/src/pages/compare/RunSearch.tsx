import { useState } from "react";
import { Combobox, Group, Loader, Text, TextInput, useCombobox } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api } from "../../api/client";

const RESULTS = 12;

/** Find runs to add by words of their project, name, description or tags (the list's `search`). */
export function RunSearch({ exclude, onAdd }: { exclude: readonly string[]; onAdd: (id: string) => void }) {
  const { t } = useTranslation();
  const [text, setText] = useState("");
  const [debounced] = useDebouncedValue(text.trim(), 250);
  const combobox = useCombobox();
  const found = useQuery({
    queryKey: ["compare-search", debounced],
    queryFn: () => api.experiments({ search: debounced, per_page: RESULTS }),
    enabled: debounced.length > 0,
    staleTime: 10_000,
  });
  const options = (found.data?.experiments ?? []).filter((run) => !exclude.includes(run.id));
  return (
    <Combobox
      store={combobox}
      onOptionSubmit={(id) => {
        onAdd(id);
        setText("");
        combobox.closeDropdown();
      }}
    >
      <Combobox.Target>
        <TextInput
          size="xs"
          w={300}
          placeholder={t("compare.searchRuns")}
          value={text}
          onChange={(e) => {
            setText(e.currentTarget.value);
            combobox.openDropdown();
          }}
          onFocus={() => combobox.openDropdown()}
          onBlur={() => combobox.closeDropdown()}
          rightSection={found.isFetching ? <Loader size={12} /> : null}
          data-testid="compare-search"
        />
      </Combobox.Target>
      <Combobox.Dropdown hidden={debounced.length === 0}>
        <Combobox.Options data-testid="compare-search-results">
          {options.map((run) => (
            <Combobox.Option value={run.id} key={run.id} data-run-id={run.id}>
              <Group gap={6} wrap="nowrap">
                <Text size="sm">
                  {run.project} / {run.name}
                </Text>
                <Text size="xs" c="dimmed" ff="monospace">
                  {run.id}
                </Text>
                {run.tags.slice(0, 3).map((tag) => (
                  <Text key={tag} size="xs" c="dimmed">
                    #{tag}
                  </Text>
                ))}
              </Group>
            </Combobox.Option>
          ))}
          {found.data && options.length === 0 && <Combobox.Empty>{t("compare.noMatch")}</Combobox.Empty>}
        </Combobox.Options>
      </Combobox.Dropdown>
    </Combobox>
  );
}
