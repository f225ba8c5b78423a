/**
 * Acts on what the server says about the session (team profile): a refused request or socket
 * (401 / 4401), or `me` saying nobody is signed in, opens the login page with the page the user
 * wanted as `next`; a live connection refused for want of permission (4403) is said in words.
 * Renders nothing in the embedded profile, which never refuses.
 */
import { useEffect, useRef, useState, useSyncExternalStore } from "react";
import { Alert } from "@mantine/core";
import { useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { useLocation, useNavigate } from "react-router-dom";
import { ME_KEY, type Me } from "../api/auth";
import { authSignals, subscribeAuthSignals } from "../api/authSignals";
import { LOGIN_PATH, loginPath } from "./redirect";
import { useAuth } from "./useAuth";

export function AuthWatcher() {
  const { t } = useTranslation();
  const signals = useSyncExternalStore(subscribeAuthSignals, authSignals);
  const { loaded, required, user } = useAuth();
  const location = useLocation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const handled = useRef(0);
  const [dismissedForbidden, setDismissedForbidden] = useState(0);
  const onLoginPage = location.pathname === LOGIN_PATH;

  useEffect(() => {
    if (signals.unauthenticated === handled.current) return;
    handled.current = signals.unauthenticated;
    // The session ended (expired, logged out elsewhere, user removed): whoever `me` named is gone.
    queryClient.setQueryData<Me>(ME_KEY, (old) => (old ? { ...old, authenticated: false, user: null } : old));
    void queryClient.invalidateQueries({ queryKey: ME_KEY });
    if (!onLoginPage) void navigate(loginPath(location), { replace: true });
  }, [signals.unauthenticated, onLoginPage, location, navigate, queryClient]);

  useEffect(() => {
    if (loaded && required && !user && !onLoginPage) void navigate(loginPath(location), { replace: true });
  }, [loaded, required, user, onLoginPage, location, navigate]);

  if (signals.socketForbidden <= dismissedForbidden) return null;
  return (
    <Alert
      color="orange"
      title={t("auth.socketForbiddenTitle")}
      withCloseButton
      onClose={() => setDismissedForbidden(signals.socketForbidden)}
      mb="md"
      data-testid="socket-forbidden"
    >
      {t("auth.socketForbidden")}
    </Alert>
  );
}
