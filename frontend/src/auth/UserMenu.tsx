/**
 * The header's account menu (team profile only): who is signed in and with which role, their API
 * tokens, the admin site for admins, and logging out.
 */
import { Avatar, Badge, Button, Group, Menu, Text } from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link, useNavigate } from "react-router-dom";
import { logout, ME_KEY, type Me } from "../api/auth";
import { LOGIN_PATH } from "./redirect";
import { useAuth } from "./useAuth";

export function UserMenu() {
  const { t } = useTranslation();
  const { required, user } = useAuth();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const signOut = useMutation({
    mutationFn: logout,
    // Even when the answer is lost, this page forgets the user: it shows the login page, where
    // signing in again replaces the session either way.
    onSettled: () => {
      queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== "auth" || query.queryKey[1] !== "me" });
      queryClient.setQueryData<Me>(ME_KEY, (old) => (old ? { ...old, authenticated: false, user: null } : old));
      void navigate(LOGIN_PATH, { replace: true });
    },
  });
  if (!required || !user) return null;

  const role = user.is_admin ? t("auth.roleAdmin") : t("auth.roleMember");
  return (
    <Menu position="bottom-end" width={240} shadow="md" withinPortal>
      <Menu.Target>
        <Button
          variant="default"
          leftSection={
            <Avatar size={22} radius="xl" color="indigo" variant="filled">
              {user.username.slice(0, 1).toUpperCase()}
            </Avatar>
          }
          loading={signOut.isPending}
          data-testid="user-menu"
          data-username={user.username}
          aria-label={t("auth.accountMenu", { username: user.username })}
        >
          {user.username}
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>
          <Group justify="space-between" wrap="nowrap" gap="xs">
            <Text size="xs" c="dimmed" truncate>
              {t("auth.signedInAs", { username: user.username })}
            </Text>
            <Badge size="xs" variant="light" color={user.is_admin ? "grape" : "gray"} data-testid="user-role">
              {role}
            </Badge>
          </Group>
        </Menu.Label>
        <Menu.Item component={Link} to="/tokens" data-testid="menu-tokens">
          {t("auth.tokensLink")}
        </Menu.Item>
        {user.is_admin && (
          // The Django admin site lives outside the app: a full page load.
          <Menu.Item component="a" href="/admin/" data-testid="menu-admin">
            {t("auth.adminLink")}
          </Menu.Item>
        )}
        <Menu.Divider />
        <Menu.Item color="red" onClick={() => signOut.mutate()} data-testid="menu-logout">
          {t("auth.logout")}
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
