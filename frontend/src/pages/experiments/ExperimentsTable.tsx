import { Fragment, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import type { Experiment, JsonValue, SortField } from "../../api/types";
import { STATUS_NAMES, StatusPill } from "../../components/StatusBadge";
import { formatDuration, formatNumber, formatTime, formatValue } from "../../lib/format";
import { runDuration, useNow } from "../../lib/useNow";
import { type GroupBy, type RunGroup, type Stats, cellValue, groupRuns, isSortable } from "./columns";
import classes from "./ExperimentsTable.module.css";

interface Props {
  rows: Experiment[];
  selected: ReadonlySet<string>;
  onToggle: (id: string) => void;
  onTogglePage: (select: boolean) => void;
  orderBy: SortField;
  orderDesc: boolean;
  onSort: (field: SortField) => void;
  columns: readonly string[];
  widths: Readonly<Record<string, number>>;
  onResize: (column: string, width: number) => void;
  onMoveColumn: (column: string, target: string) => void;
  onRemoveColumn: (column: string) => void;
  groupBy: GroupBy;
  folded: ReadonlySet<string>;
  onFold: (key: string) => void;
  onSelectGroup: (ids: string[]) => void;
}

const DRAG_TYPE = "application/x-runicorn-column";

/** A header cell: optional sort button, resize handle on its right edge, drag to reorder. */
function HeaderCell(props: {
  id: string;
  label: ReactNode;
  title?: string;
  width?: number;
  sort?: { field: SortField; orderBy: SortField; desc: boolean; onSort: (f: SortField) => void };
  onResize: (column: string, width: number) => void;
  movable?: { onMove: (column: string, target: string) => void; onRemove: (column: string) => void; removeLabel: string };
}) {
  const { id, sort, movable } = props;
  const active = sort !== undefined && sort.orderBy === sort.field;
  const startResize = (event: React.PointerEvent<HTMLSpanElement>) => {
    event.preventDefault();
    event.stopPropagation();
    const cell = event.currentTarget.parentElement as HTMLElement;
    const startX = event.clientX;
    const startWidth = cell.getBoundingClientRect().width;
    const move = (e: PointerEvent) => props.onResize(id, startWidth + e.clientX - startX);
    const up = () => {
      window.removeEventListener("pointermove", move);
      window.removeEventListener("pointerup", up);
    };
    window.addEventListener("pointermove", move);
    window.addEventListener("pointerup", up);
  };
  return (
    <th
      aria-sort={sort ? (active ? (sort.desc ? "descending" : "ascending") : "none") : undefined}
      style={props.width ? { width: props.width, minWidth: props.width, maxWidth: props.width } : undefined}
      title={props.title}
      data-column={id}
      draggable={movable !== undefined}
      onDragStart={movable ? (e) => e.dataTransfer.setData(DRAG_TYPE, id) : undefined}
      onDragOver={movable ? (e) => e.dataTransfer.types.includes(DRAG_TYPE) && e.preventDefault() : undefined}
      onDrop={
        movable
          ? (e) => {
              const name = e.dataTransfer.getData(DRAG_TYPE);
              if (name) movable.onMove(name, id);
            }
          : undefined
      }
      className={movable ? classes.movable : undefined}
    >
      <span className={classes.headInner}>
        {sort ? (
          <button type="button" onClick={() => sort.onSort(sort.field)} className={classes.sort} data-testid={`sort-${sort.field}`}>
            {props.label} <span className={active ? classes.arrowActive : classes.arrow}>{active && !sort.desc ? "▲" : "▼"}</span>
          </button>
        ) : (
          <span className={classes.headLabel}>{props.label}</span>
        )}
        {movable && (
          <button type="button" className={classes.remove} onClick={() => movable.onRemove(id)} aria-label={movable.removeLabel} data-testid={`remove-${id}`}>
            ×
          </button>
        )}
      </span>
      <span className={classes.resize} onPointerDown={startResize} data-testid={`resize-${id}`} aria-hidden />
    </th>
  );
}

function Cell({ value, none }: { value: JsonValue | undefined; none: string }) {
  if (value === undefined || value === null) return <span className={classes.dimmed}>{none}</span>;
  if (typeof value === "number") return <span title={String(value)}>{formatNumber(value)}</span>;
  const text = formatValue(value);
  return <span title={text}>{text}</span>;
}

function StatsCell({ stats }: { stats: Stats | null | undefined }) {
  if (!stats) return null;
  const full = `mean ${stats.mean} · min ${stats.min} · max ${stats.max} (${stats.n})`;
  return (
    <span className={classes.stats} title={full} data-testid="group-stats">
      <b>{formatNumber(stats.mean)}</b>
      <span className={classes.dimmed}>
        {" "}
        {formatNumber(stats.min)}–{formatNumber(stats.max)}
      </span>
    </span>
  );
}

/**
 * One page of runs. Plain elements rather than UI-kit components: a page has up to a few hundred
 * rows, and this is the table that must come up fast at 100,000 runs.
 */
export function ExperimentsTable(props: Props) {
  const { rows, selected, onToggle, onTogglePage, orderBy, orderDesc, onSort, columns, widths } = props;
  const { t } = useTranslation();
  const pageSelected = rows.length > 0 && rows.every((r) => selected.has(r.id));
  const someSelected = rows.some((r) => selected.has(r.id));
  const sort = { orderBy, desc: orderDesc, onSort };
  // Translated once per render, not once per row (t() is the costliest call in a row).
  const none = t("common.none");
  const statusLabels = Object.fromEntries(STATUS_NAMES.map((s) => [s, t(`status.${s}`)]));
  const selectLabel = t("experiments.selectRun", { id: "\u0000" });
  const removeLabel = t("experiments.removeColumn");
  const now = useNow(rows.some((r) => r.status === "running" && r.duration === null));
  const groups: RunGroup[] | null = props.groupBy ? groupRuns(rows, props.groupBy, columns) : null;
  const width = (id: string) => widths[id];
  const head = (id: string, label: ReactNode, field?: SortField) => (
    <HeaderCell id={id} label={label} width={width(id)} onResize={props.onResize} sort={field ? { field, ...sort } : undefined} />
  );
  const totalColumns = 6 + columns.length;

  const runRow = (run: Experiment, groupKey?: string) => {
    const isSelected = selected.has(run.id);
    return (
      <tr key={groupKey ? `${groupKey}/${run.id}` : run.id} data-run-id={run.id} className={isSelected ? classes.selected : undefined}>
        <td className={classes.check}>
          <input
            type="checkbox"
            aria-label={selectLabel.replace("\u0000", run.id)}
            checked={isSelected}
            onChange={() => onToggle(run.id)}
            data-testid={`select-${run.id}`}
          />
        </td>
        <td>
          <StatusPill status={run.status} label={statusLabels[run.status] ?? run.status} />
        </td>
        <td>
          <Link to={`/runs/${run.id}`} className={classes.link} data-testid="run-link">
            {run.project} / {run.name}
          </Link>
          <div className={classes.sub}>
            <span className={classes.id}>{run.id}</span>
            {run.tags.slice(0, 4).map((tag) => (
              <span key={tag} className={classes.tag} data-testid="tag">
                {tag}
              </span>
            ))}
          </div>
        </td>
        <td className={classes.nowrap}>{formatTime(run.created_at)}</td>
        <td className={classes.nowrap} data-testid="duration">
          {formatDuration(runDuration(run, now))}
        </td>
        <td className={classes.nowrap}>
          {run.best_metric_value !== null ? (
            <>
              <span className={classes.metricName}>{run.best_metric_name} </span>
              {formatNumber(run.best_metric_value)}
            </>
          ) : (
            <span className={classes.dimmed}>{none}</span>
          )}
        </td>
        {columns.map((column) => (
          <td key={column} className={classes.custom} data-column={column} style={width(column) ? { maxWidth: width(column) } : undefined}>
            <Cell value={cellValue(run, column)} none={none} />
          </td>
        ))}
      </tr>
    );
  };

  const groupRow = (group: RunGroup) => {
    const open = !props.folded.has(group.key);
    return (
      <tr key={`group:${group.key}`} className={classes.group} data-group={group.value ?? ""}>
        <td className={classes.check}>
          <input
            type="checkbox"
            aria-label={t("experiments.selectGroup")}
            checked={group.runs.every((r) => selected.has(r.id))}
            onChange={() => props.onSelectGroup(group.runs.map((r) => r.id))}
          />
        </td>
        <td colSpan={5}>
          <button type="button" className={classes.fold} onClick={() => props.onFold(group.key)} aria-expanded={open} data-testid="fold">
            {open ? "▾" : "▸"} <b>{group.value ?? t("experiments.noValue")}</b>{" "}
            <span className={classes.dimmed} data-testid="group-count">
              {t("experiments.groupCount", { count: group.runs.length })}
            </span>
          </button>
        </td>
        {columns.map((column) => (
          <td key={column} className={classes.custom}>
            <StatsCell stats={group.stats[column]} />
          </td>
        ))}
      </tr>
    );
  };

  return (
    <div className={classes.scroll}>
      <table className={classes.table} data-testid="experiments-table" style={{ minWidth: 760 + columns.length * 120 }}>
        <thead>
          <tr>
            <th className={classes.check}>
              <input
                type="checkbox"
                aria-label={t("experiments.selectAll")}
                checked={pageSelected}
                ref={(el) => {
                  if (el) el.indeterminate = someSelected && !pageSelected;
                }}
                onChange={() => onTogglePage(!pageSelected)}
                data-testid="select-page"
              />
            </th>
            {head("status", t("experiments.colStatus"), "status")}
            {head("run", t("experiments.colRun"))}
            {head("created_at", t("experiments.colCreated"), "created_at")}
            {head("duration", t("experiments.colDuration"))}
            {head("best_metric_value", t("experiments.colBest"), "best_metric_value")}
            {columns.map((column) => (
              <HeaderCell
                key={column}
                id={column}
                label={column}
                title={isSortable(column) ? column : t("experiments.metricNotSortable")}
                width={width(column)}
                onResize={props.onResize}
                sort={isSortable(column) ? { field: column as SortField, ...sort } : undefined}
                movable={{ onMove: props.onMoveColumn, onRemove: props.onRemoveColumn, removeLabel }}
              />
            ))}
          </tr>
        </thead>
        <tbody>
          {groups
            ? groups.map((group) => (
                <Fragment key={group.key}>
                  {groupRow(group)}
                  {!props.folded.has(group.key) && group.runs.map((run) => runRow(run, group.key))}
                </Fragment>
              ))
            : rows.map((run) => runRow(run))}
          {groups && groups.length === 0 && (
            <tr>
              <td colSpan={totalColumns} />
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
