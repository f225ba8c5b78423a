import { Button, Group, Input, TextInput } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { STATUSES, type ExperimentFilters } from "./filters";
import { useDebouncedField } from "./useDebounced";

interface Props {
  filters: ExperimentFilters;
  onChange: (patch: Partial<ExperimentFilters>) => void;
  onReset: (() => void) | null;
}

export function FilterBar({ filters, onChange, onReset }: Props) {
  const { t } = useTranslation();
  const [search, setSearch] = useDebouncedField(filters.search, (search) => onChange({ search }));
  const [bestMin, setBestMin] = useDebouncedField(filters.bestMin, (bestMin) => onChange({ bestMin }));
  const [bestMax, setBestMax] = useDebouncedField(filters.bestMax, (bestMax) => onChange({ bestMax }));
  const [tags, setTags] = useDebouncedField(filters.tags.join(", "), (text) =>
    onChange({ tags: text.split(",").map((t) => t.trim()).filter(Boolean) }),
  );
  const toggleStatus = (status: string) =>
    onChange({ status: filters.status.includes(status) ? filters.status.filter((s) => s !== status) : [...filters.status, status] });
  return (
    <Group gap="sm" align="flex-end" wrap="wrap">
      <TextInput
        label={t("experiments.search")}
        placeholder={t("experiments.searchPlaceholder")}
        value={search}
        onChange={(e) => setSearch(e.currentTarget.value)}
        w={160}
        data-testid="filter-search"
      />
      <Input.Wrapper label={t("experiments.status")}>
        <Button.Group data-testid="filter-status">
          {STATUSES.map((s) => (
            <Button
              key={s}
              size="sm"
              px={8}
              fw={500}
              variant={filters.status.includes(s) ? "light" : "default"}
              aria-pressed={filters.status.includes(s)}
              onClick={() => toggleStatus(s)}
              data-testid={`filter-status-${s}`}
            >
              {t(`status.${s}`)}
            </Button>
          ))}
        </Button.Group>
      </Input.Wrapper>
      <TextInput
        label={t("experiments.tags")}
        placeholder={t("experiments.tagsPlaceholder")}
        value={tags}
        onChange={(e) => setTags(e.currentTarget.value)}
        w={130}
        data-testid="filter-tags"
      />
      <TextInput
        type="date"
        label={t("experiments.createdFrom")}
        value={filters.createdFrom}
        onChange={(e) => onChange({ createdFrom: e.currentTarget.value })}
        w={140}
        data-testid="filter-from"
      />
      <TextInput
        type="date"
        label={t("experiments.createdTo")}
        value={filters.createdTo}
        onChange={(e) => onChange({ createdTo: e.currentTarget.value })}
        w={140}
        data-testid="filter-to"
      />
      <TextInput
        type="number"
        step="any"
        label={t("experiments.bestMin")}
        value={bestMin}
        onChange={(e) => setBestMin(e.currentTarget.value)}
        w={90}
        data-testid="filter-best-min"
      />
      <TextInput
        type="number"
        step="any"
        label={t("experiments.bestMax")}
        value={bestMax}
        onChange={(e) => setBestMax(e.currentTarget.value)}
        w={90}
        data-testid="filter-best-max"
      />
      {onReset && (
        <Button variant="subtle" onClick={onReset} data-testid="filter-reset">
          {t("experiments.resetFilters")}
        </Button>
      )}
    </Group>
  );
}
