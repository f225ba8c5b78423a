import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import type { Experiment, SortField } from "../../api/types";
import { STATUS_NAMES, StatusPill } from "../../components/StatusBadge";
import { formatDuration, formatNumber, formatTime } from "../../lib/format";
import classes from "./ExperimentsTable.module.css";

interface Props {
  rows: Experiment[];
  selected: ReadonlySet<string>;
  onToggle: (id: string) => void;
  onTogglePage: (select: boolean) => void;
  orderBy: SortField;
  orderDesc: boolean;
  onSort: (field: SortField) => void;
}

function SortHeader(props: { field: SortField; label: string; orderBy: SortField; desc: boolean; onSort: (f: SortField) => void }) {
  const active = props.orderBy === props.field;
  return (
    <th aria-sort={active ? (props.desc ? "descending" : "ascending") : "none"}>
      <button type="button" onClick={() => props.onSort(props.field)} className={classes.sort} data-testid={`sort-${props.field}`}>
        {props.label} <span className={active ? classes.arrowActive : classes.arrow}>{active && !props.desc ? "▲" : "▼"}</span>
      </button>
    </th>
  );
}

/**
 * One page of runs. Plain elements rather than UI-kit components: a page has up to a few hundred
 * rows, and this is the table that must come up fast at 100,000 runs.
 */
export function ExperimentsTable({ rows, selected, onToggle, onTogglePage, orderBy, orderDesc, onSort }: Props) {
  const { t } = useTranslation();
  const pageSelected = rows.length > 0 && rows.every((r) => selected.has(r.id));
  const someSelected = rows.some((r) => selected.has(r.id));
  const sort = { orderBy, desc: orderDesc, onSort };
  // Translated once per render, not once per row (t() is the costliest call in a row).
  const none = t("common.none");
  const statusLabels = Object.fromEntries(STATUS_NAMES.map((s) => [s, t(`status.${s}`)]));
  const selectLabel = t("experiments.selectRun", { id: "\u0000" });
  return (
    <div className={classes.scroll}>
      <table className={classes.table} data-testid="experiments-table">
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
            <SortHeader field="status" label={t("experiments.colStatus")} {...sort} />
            <th>{t("experiments.colRun")}</th>
            <SortHeader field="created_at" label={t("experiments.colCreated")} {...sort} />
            <th>{t("experiments.colDuration")}</th>
            <SortHeader field="best_metric_value" label={t("experiments.colBest")} {...sort} />
          </tr>
        </thead>
        <tbody>
          {rows.map((run) => {
            const isSelected = selected.has(run.id);
            return (
              <tr key={run.id} data-run-id={run.id} className={isSelected ? classes.selected : undefined}>
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
                      <span key={tag} className={classes.tag}>
                        {tag}
                      </span>
                    ))}
                  </div>
                </td>
                <td className={classes.nowrap}>{formatTime(run.created_at)}</td>
                <td className={classes.nowrap}>{formatDuration(run.duration)}</td>
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
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
