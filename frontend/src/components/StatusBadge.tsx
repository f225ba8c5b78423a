import { useTranslation } from "react-i18next";
import classes from "./StatusBadge.module.css";

const KNOWN = new Set(["running", "finished", "failed", "interrupted"]);

/** A run's status as a coloured pill (a plain span: tables show hundreds of them). */
export function StatusBadge({ status }: { status: string }) {
  const { t } = useTranslation();
  const known = KNOWN.has(status);
  return (
    <span className={`${classes.badge} ${known ? classes[status] : classes.other}`} data-status={status}>
      {known ? t(`status.${status}` as "status.running") : status}
    </span>
  );
}
