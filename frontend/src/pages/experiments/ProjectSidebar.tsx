import { Skeleton, Text } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api } from "../../api/client";
import { projectsQuery } from "../../api/queries";
import classes from "./ProjectSidebar.module.css";

interface Props {
  project: string;
  name: string;
  onSelect: (project: string, name: string) => void;
}

function Item({ label, active, indent, onClick, testId }: { label: string; active: boolean; indent?: boolean; onClick: () => void; testId?: string }) {
  return (
    <button
      type="button"
      className={`${classes.item} ${active ? classes.active : ""} ${indent ? classes.indent : ""}`}
      aria-current={active ? "true" : undefined}
      onClick={onClick}
      title={label}
      data-testid={testId}
    >
      {label}
    </button>
  );
}

function Names({ project, name, onSelect }: Props) {
  const names = useQuery({ queryKey: ["names", project], queryFn: () => api.names(project) });
  if (names.isPending) return <Skeleton h={20} ml="lg" my={4} />;
  return (
    <>
      {(names.data?.names ?? []).map((n) => (
        <Item key={n} label={n} active={n === name} indent onClick={() => onSelect(project, n === name ? "" : n)} testId={`sidebar-name-${n}`} />
      ))}
    </>
  );
}

/** Projects, and the names of the selected one: a click filters the table. */
export function ProjectSidebar({ project, name, onSelect }: Props) {
  const { t } = useTranslation();
  const projects = useQuery(projectsQuery());
  return (
    <nav data-testid="project-sidebar" aria-label={t("experiments.projects")}>
      <Text size="xs" fw={700} c="dimmed" tt="uppercase" mb={4}>
        {t("experiments.projects")}
      </Text>
      <div className={classes.list}>
        <Item label={t("experiments.allProjects")} active={!project} onClick={() => onSelect("", "")} />
        {projects.isPending && <Skeleton h={20} my={4} />}
        {(projects.data?.projects ?? []).map((p) => (
          <div key={p}>
            <Item
              label={p}
              active={p === project && !name}
              onClick={() => onSelect(p === project && !name ? "" : p, "")}
              testId={`sidebar-project-${p}`}
            />
            {p === project && <Names project={p} name={name} onSelect={onSelect} />}
          </div>
        ))}
      </div>
    </nav>
  );
}
