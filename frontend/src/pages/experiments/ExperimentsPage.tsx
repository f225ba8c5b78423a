import { lazy, Suspense, useCallback, useMemo, useState } from "react";
import { Alert, Anchor, Box, Button, Center, Group, Loader, NativeSelect, Pagination, Paper, Stack, Text } from "@mantine/core";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useSearchParams } from "react-router-dom";
import { ApiError, api } from "../../api/client";
import { experimentsQuery } from "../../api/queries";
import type { SortField } from "../../api/types";
import { ErrorAlert } from "../../components/ErrorAlert";
import { EmptyState } from "./EmptyState";
import { ColumnPicker } from "./ColumnPicker";
import { type GroupBy, moveColumn, parseColumn } from "./columns";
import { ExperimentsTable } from "./ExperimentsTable";
import { ExportButton } from "./ExportButton";
import { ImportDialog } from "./ImportDialog";
import { FilterBar } from "./FilterBar";
import { DEFAULT_FILTERS, PER_PAGE_CHOICES, isFiltered, readFilters, toQuery, writeFilters, type ExperimentFilters } from "./filters";
import { ProjectSidebar } from "./ProjectSidebar";
import { QueryBox } from "./QueryBox";
import { useColumnWidths } from "./useColumnWidths";
import classes from "./ExperimentsPage.module.css";

// Loaded on first use: the dialog (and its modal machinery) is not needed to show the table.
const DeleteDialog = lazy(() => import("./DeleteDialog").then((m) => ({ default: m.DeleteDialog })));

export function ExperimentsPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => readFilters(params), [params]);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [confirming, setConfirming] = useState(false);
  const [deletedCount, setDeletedCount] = useState<number | null>(null);
  const [folded, setFolded] = useState<Set<string>>(new Set());
  const { widths, setWidth } = useColumnWidths("experiments");

  const update = useCallback(
    (patch: Partial<ExperimentFilters>) => {
      // Any change but paging starts at page 1 again.
      const next = { ...filters, ...patch, page: patch.page ?? 1 };
      setParams(writeFilters(next), { replace: patch.page === undefined && ("search" in patch || "bestMin" in patch || "bestMax" in patch) });
    },
    [filters, setParams],
  );

  const query = useQuery({
    ...experimentsQuery(toQuery(filters)),
    placeholderData: keepPreviousData,
  });

  const remove = useMutation({
    mutationFn: (ids: string[]) => api.softDelete(ids),
    onSuccess: (result, ids) => {
      setDeletedCount(Object.values(result.results).filter((r) => r.success).length);
      setSelected((current) => new Set([...current].filter((id) => !ids.includes(id))));
      setConfirming(false);
      void queryClient.invalidateQueries({ queryKey: ["experiments"] });
      void queryClient.invalidateQueries({ queryKey: ["projects"] });
      void queryClient.invalidateQueries({ queryKey: ["recycle-bin"] });
    },
  });

  const error = query.error;
  const queryError = error instanceof ApiError && error.param === "q" ? error : null;
  const rows = query.data?.experiments ?? [];
  const total = query.data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / filters.perPage));

  const toggle = (id: string) =>
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const togglePage = (select: boolean) =>
    setSelected((current) => {
      const next = new Set(current);
      for (const r of rows) {
        if (select) next.add(r.id);
        else next.delete(r.id);
      }
      return next;
    });
  const sort = (field: SortField) =>
    update({ orderBy: field, orderDesc: field === filters.orderBy ? !filters.orderDesc : true });
  const setColumns = (columns: string[]) => {
    const patch: Partial<ExperimentFilters> = { columns };
    // A removed column stops being the sort key or the grouping.
    if (parseColumn(filters.orderBy) && !columns.includes(filters.orderBy)) patch.orderBy = "created_at";
    if (filters.groupBy.startsWith("config.") && !columns.includes(filters.groupBy)) patch.groupBy = "";
    update(patch);
  };
  const groupChoices = [
    { value: "", label: t("experiments.groupNone") },
    { value: "project", label: t("experiments.groupProject") },
    { value: "name", label: t("experiments.groupName") },
    { value: "tag", label: t("experiments.groupTag") },
    ...filters.columns.filter((c) => c.startsWith("config.")).map((c) => ({ value: c, label: c })),
  ];
  const toggleFold = (key: string) =>
    setFolded((current) => {
      const next = new Set(current);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      return next;
    });
  const selectGroup = (ids: string[]) =>
    setSelected((current) => {
      const next = new Set(current);
      const all = ids.every((id) => next.has(id));
      for (const id of ids) {
        if (all) next.delete(id);
        else next.add(id);
      }
      return next;
    });

  return (
    <div className={classes.layout}>
      <Box className={classes.sidebar} visibleFrom="md">
        <ProjectSidebar project={filters.project} name={filters.name} onSelect={(project, name) => update({ project, name })} />
      </Box>
      <Stack gap="sm" className={classes.main}>
        <FilterBar
          filters={filters}
          onChange={update}
          onReset={isFiltered(filters) ? () => setParams(writeFilters({ ...DEFAULT_FILTERS, perPage: filters.perPage })) : null}
        />
        <QueryBox value={filters.q} onSubmit={(q) => update({ q })} error={queryError} />
        {deletedCount !== null && (
          <Alert color="teal" withCloseButton onClose={() => setDeletedCount(null)} data-testid="deleted-notice">
            {t("experiments.deleted", { count: deletedCount })}{" "}
            <Anchor component={Link} to="/recycle-bin">
              {t("experiments.openRecycleBin")}
            </Anchor>
          </Alert>
        )}
        <Group justify="space-between">
          <Group gap="xs">
            <Text size="sm" c="dimmed" data-testid="selection-count">
              {t("experiments.selected", { count: selected.size })}
            </Text>
            <Button
              size="xs"
              variant="light"
              disabled={selected.size === 0}
              onClick={() => navigate(`/compare?runs=${[...selected].join(",")}`)}
              data-testid="compare-selected"
            >
              {t("experiments.compareSelected")}
            </Button>
            <Button size="xs" variant="light" color="red" disabled={selected.size === 0} onClick={() => setConfirming(true)} data-testid="delete-selected">
              {t("experiments.deleteSelected")}
            </Button>
            <ExportButton runIds={[...selected]} />
            <ImportDialog onImported={() => void queryClient.invalidateQueries({ queryKey: ["experiments"] })} />
            {selected.size > 0 && (
              <Button size="xs" variant="subtle" onClick={() => setSelected(new Set())}>
                {t("common.clear")}
              </Button>
            )}
          </Group>
          <Group gap="xs">
            <NativeSelect
              size="xs"
              data={groupChoices}
              value={filters.groupBy}
              onChange={(e) => update({ groupBy: e.currentTarget.value as GroupBy, page: filters.page })}
              aria-label={t("experiments.groupBy")}
              leftSection={<Text size="xs">{t("experiments.groupBy")}</Text>}
              leftSectionWidth={70}
              data-testid="group-by"
            />
            <ColumnPicker project={filters.project} columns={filters.columns} onChange={setColumns} />
            {query.isFetching && <Loader size="xs" />}
            {query.data && (
              <Text size="sm" c="dimmed" data-testid="total">
                {t("experiments.total", { total: total.toLocaleString() })} · {t("experiments.queryTime", { ms: query.data.query_time_ms })}
              </Text>
            )}
          </Group>
        </Group>
        {error && !queryError && <ErrorAlert error={error} onRetry={() => void query.refetch()} />}
        <Paper withBorder radius="sm">
          {query.isPending ? (
            <Center h={200}>
              <Loader />
            </Center>
          ) : rows.length === 0 ? (
            error ? null : (
              <Center mih={120} p="md">
                <EmptyState filtered={isFiltered(filters)} />
              </Center>
            )
          ) : (
            <ExperimentsTable
              rows={rows}
              selected={selected}
              onToggle={toggle}
              onTogglePage={togglePage}
              orderBy={filters.orderBy}
              orderDesc={filters.orderDesc}
              onSort={sort}
              columns={filters.columns}
              widths={widths}
              onResize={setWidth}
              onMoveColumn={(column, target) => update({ columns: moveColumn(filters.columns, column, target), page: filters.page })}
              onRemoveColumn={(column) => setColumns(filters.columns.filter((c) => c !== column))}
              groupBy={filters.groupBy}
              folded={folded}
              onFold={toggleFold}
              onSelectGroup={selectGroup}
            />
          )}
        </Paper>
        <Group justify="space-between">
          <Pagination total={pages} value={Math.min(filters.page, pages)} onChange={(page) => update({ page })} size="sm" data-testid="pagination" />
          <Group gap="xs">
            <Text size="sm" c="dimmed">
              {t("experiments.perPage")}
            </Text>
            <NativeSelect
              size="xs"
              data={PER_PAGE_CHOICES}
              value={String(filters.perPage)}
              onChange={(e) => update({ perPage: Number(e.currentTarget.value) })}
              aria-label={t("experiments.perPage")}
            />
          </Group>
        </Group>
      </Stack>
      {confirming && (
        <Suspense fallback={null}>
          <DeleteDialog
            count={selected.size}
            opened={confirming}
            busy={remove.isPending}
            onCancel={() => setConfirming(false)}
            onConfirm={() => remove.mutate([...selected])}
          />
        </Suspense>
      )}
    </div>
  );
}
