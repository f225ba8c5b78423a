import { NavLink, ScrollArea, Skeleton, Text } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api } from "../../api/client";

interface Props {
  project: string;
  name: string;
  onSelect: (project: string, name: string) => void;
}

function Names({ project, name, onSelect }: Props) {
  const names = useQuery({ queryKey: ["names", project], queryFn: () => api.names(project) });
  if (names.isPending) return <Skeleton h={20} ml="lg" my={4} />;
  return (
    <>
      {(names.data?.names ?? []).map((n) => (
        <NavLink
          key={n}
          label={n}
          active={n === name}
          onClick={() => onSelect(project, n === name ? "" : n)}
          pl="xl"
          py={4}
          data-testid={`sidebar-name-${n}`}
        />
      ))}
    </>
  );
}

/** Projects, and the names of the selected one: a click filters the table. */
export function ProjectSidebar({ project, name, onSelect }: Props) {
  const { t } = useTranslation();
  const projects = useQuery({ queryKey: ["projects"], queryFn: api.projects });
  return (
    <div data-testid="project-sidebar">
      <Text size="xs" fw={700} c="dimmed" tt="uppercase" mb={4}>
        {t("experiments.projects")}
      </Text>
      <ScrollArea.Autosize mah="calc(100vh - 140px)">
        <NavLink label={t("experiments.allProjects")} active={!project} onClick={() => onSelect("", "")} py={4} />
        {projects.isPending && <Skeleton h={20} my={4} />}
        {(projects.data?.projects ?? []).map((p) => (
          <div key={p}>
            <NavLink
              label={p}
              active={p === project && !name}
              onClick={() => onSelect(p === project && !name ? "" : p, "")}
              py={4}
              data-testid={`sidebar-project-${p}`}
            />
            {p === project && <Names project={p} name={name} onSelect={onSelect} />}
          </div>
        ))}
      </ScrollArea.Autosize>
    </div>
  );
}
