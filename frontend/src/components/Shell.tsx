import type { ReactNode } from "react";
import { ActionIcon, Group, NativeSelect, useComputedColorScheme, useMantineColorScheme } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { NavLink as RouterLink, useLocation, useMatch } from "react-router-dom";
import { UserMenu } from "../auth/UserMenu";
import { LANGUAGES, setLanguage, type Language } from "../i18n";
import classes from "./Shell.module.css";

function Logo() {
  return (
    <svg width="22" height="22" viewBox="0 0 24 24" aria-hidden="true" className={classes.logo}>
      <path d="M4 20 L12 3 L20 20 Z" fill="var(--mantine-primary-color-filled)" />
      <path d="M12 3 L14.5 9 L9.5 9 Z" fill="#fab005" />
    </svg>
  );
}

function ThemeToggle() {
  const { t } = useTranslation();
  const { setColorScheme } = useMantineColorScheme();
  const scheme = useComputedColorScheme("light");
  return (
    <ActionIcon
      variant="default"
      size="lg"
      aria-label={t("app.theme")}
      title={t("app.theme")}
      data-testid="theme-toggle"
      data-scheme={scheme}
      onClick={() => setColorScheme(scheme === "dark" ? "light" : "dark")}
    >
      {scheme === "dark" ? "☀" : "☾"}
    </ActionIcon>
  );
}

function LanguageSelect() {
  const { t, i18n } = useTranslation();
  return (
    <NativeSelect
      aria-label={t("app.language")}
      data-testid="language-select"
      value={i18n.language}
      data={LANGUAGES.map((l) => ({ value: l.value, label: l.label }))}
      onChange={(e) => setLanguage(e.currentTarget.value as Language)}
      w={110}
    />
  );
}

function SettingsLink() {
  const { t } = useTranslation();
  // On /settings the gear looks like an active nav link (the primary colour's light variant).
  const active = useMatch("/settings") !== null;
  return (
    <ActionIcon
      component={RouterLink}
      to="/settings"
      variant={active ? "light" : "default"}
      size="lg"
      aria-label={t("settings.nav")}
      title={t("settings.nav")}
      data-testid="settings-link"
      data-active={active || undefined}
    >
      <svg width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
        <circle cx="12" cy="12" r="3" />
        <path d="M19.4 15a1.65 1.65 0 0 0 .33 1.82l.06.06a2 2 0 1 1-2.83 2.83l-.06-.06a1.65 1.65 0 0 0-1.82-.33 1.65 1.65 0 0 0-1 1.51V21a2 2 0 0 1-4 0v-.09A1.65 1.65 0 0 0 9 19.4a1.65 1.65 0 0 0-1.82.33l-.06.06a2 2 0 1 1-2.83-2.83l.06-.06A1.65 1.65 0 0 0 4.68 15a1.65 1.65 0 0 0-1.51-1H3a2 2 0 0 1 0-4h.09A1.65 1.65 0 0 0 4.6 9a1.65 1.65 0 0 0-.33-1.82l-.06-.06a2 2 0 1 1 2.83-2.83l.06.06A1.65 1.65 0 0 0 9 4.68a1.65 1.65 0 0 0 1-1.51V3a2 2 0 0 1 4 0v.09a1.65 1.65 0 0 0 1 1.51 1.65 1.65 0 0 0 1.82-.33l.06-.06a2 2 0 1 1 2.83 2.83l-.06.06A1.65 1.65 0 0 0 19.4 9a1.65 1.65 0 0 0 1.51 1H21a2 2 0 0 1 0 4h-.09a1.65 1.65 0 0 0-1.51 1z" />
      </svg>
    </ActionIcon>
  );
}

export function Shell({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  // The login page shows no navigation: every other page needs the login first.
  const onLoginPage = useLocation().pathname === "/login";
  const links = [
    { to: "/", label: t("app.experiments"), end: true },
    { to: "/compare", label: t("app.compare"), end: false },
    { to: "/artifacts", label: t("artifacts.nav"), end: false },
    { to: "/recycle-bin", label: t("app.recycleBin"), end: false },
    { to: "/monitor", label: t("monitor.nav"), end: false },
    { to: "/remote", label: t("remote.nav"), end: false },
  ];
  return (
    <>
      <header className={classes.header}>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="lg" wrap="nowrap">
            <RouterLink to="/" className={classes.brand}>
              <Logo /> {t("app.title")}
            </RouterLink>
            <nav className={classes.nav} style={onLoginPage ? { display: "none" } : undefined}>
              {links.map((link) => (
                <RouterLink
                  key={link.to}
                  to={link.to}
                  end={link.end}
                  className={({ isActive }) => (isActive ? `${classes.link} ${classes.active}` : classes.link)}
                >
                  {link.label}
                </RouterLink>
              ))}
            </nav>
          </Group>
          <Group gap="xs" wrap="nowrap">
            <LanguageSelect />
            <ThemeToggle />
            <SettingsLink />
            <UserMenu />
          </Group>
        </Group>
      </header>
      <main className={classes.main}>{children}</main>
    </>
  );
}
