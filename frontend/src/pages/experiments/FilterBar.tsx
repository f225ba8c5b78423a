import { Button, Group, MultiSelect, TagsInput, TextInput } from "@mantine/core";
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
  return (
    <Group gap="sm" align="flex-end" wrap="wrap">
      <TextInput
        label={t("experiments.search")}
        placeholder={t("experiments.searchPlaceholder")}
        value={search}
        onChange={(e) => setSearch(e.currentTarget.value)}
        w={200}
        data-testid="filter-search"
      />
      <MultiSelect
        label={t("experiments.status")}
        data={STATUSES.map((s) => ({ value: s, label: t(`status.${s}`) }))}
        value={filters.status}
        onChange={(status) => onChange({ status })}
        clearable
        w={170}
        data-testid="filter-status"
      />
      <TagsInput
        label={t("experiments.tags")}
        placeholder={filters.tags.length ? undefined : t("experiments.tagsPlaceholder")}
        value={filters.tags}
        onChange={(tags) => onChange({ tags })}
        clearable
        w={160}
        data-testid="filter-tags"
      />
      <TextInput
        type="date"
        label={t("experiments.createdFrom")}
        value={filters.createdFrom}
        onChange={(e) => onChange({ createdFrom: e.currentTarget.value })}
        w={135}
        data-testid="filter-from"
      />
      <TextInput
        type="date"
        label={t("experiments.createdTo")}
        value={filters.createdTo}
        onChange={(e) => onChange({ createdTo: e.currentTarget.value })}
        w={135}
        data-testid="filter-to"
      />
      <TextInput
        type="number"
        step="any"
        label={t("experiments.bestMin")}
        value={bestMin}
        onChange={(e) => setBestMin(e.currentTarget.value)}
        w={100}
        data-testid="filter-best-min"
      />
      <TextInput
        type="number"
        step="any"
        label={t("experiments.bestMax")}
        value={bestMax}
        onChange={(e) => setBestMax(e.currentTarget.value)}
        w={100}
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
