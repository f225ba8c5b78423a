import "@mantine/core/styles.css";
import { lazy, Suspense } from "react";
import { Center, Loader, MantineProvider, createTheme } from "@mantine/core";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { BrowserRouter, Navigate, Route, Routes } from "react-router-dom";
import { retryUnlessRefused } from "./api/queries";
import { AuthWatcher } from "./auth/AuthWatcher";
import { Shell } from "./components/Shell";
import { ExperimentsPage } from "./pages/experiments/ExperimentsPage";

// The experiments list is the landing page and ships in the main bundle; the pages with charts
// (uPlot) load on first visit.
const RunPage = lazy(() => import("./pages/run/RunPage"));
const ComparePage = lazy(() => import("./pages/compare/ComparePage"));
const RecycleBinPage = lazy(() => import("./pages/recycle/RecycleBinPage"));
// The artifact pages share one chunk family; the lineage graph (React Flow, dagre) loads on its tab.
const ArtifactsPage = lazy(() => import("./pages/artifacts/ArtifactsPage"));
const ArtifactPage = lazy(() => import("./pages/artifacts/ArtifactPage"));
const VersionPage = lazy(() => import("./pages/artifacts/VersionPage"));
const SettingsPage = lazy(() => import("./pages/settings/SettingsPage"));
const MonitorPage = lazy(() => import("./pages/monitor/MonitorPage"));
const LoginPage = lazy(() => import("./pages/auth/LoginPage"));
const TokensPage = lazy(() => import("./pages/tokens/TokensPage"));
const RemotePage = lazy(() => import("./pages/remote/RemotePage"));

export const queryClient = new QueryClient({
  defaultOptions: {
    // No retry of a 4xx: a 401 goes straight to the login page instead of asking twice.
    queries: { retry: retryUnlessRefused, refetchOnWindowFocus: false, staleTime: 5_000 },
  },
});

const theme = createTheme({
  primaryColor: "indigo",
  fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans SC', 'PingFang SC', sans-serif",
});

function PageLoader() {
  return (
    <Center h={300}>
      <Loader />
    </Center>
  );
}

export function App() {
  return (
    <MantineProvider theme={theme} defaultColorScheme="light">
      <QueryClientProvider client={queryClient}>
        <BrowserRouter>
          <Shell>
            <AuthWatcher />
            <Suspense fallback={<PageLoader />}>
              <Routes>
                <Route path="/" element={<ExperimentsPage />} />
                <Route path="/experiments" element={<ExperimentsPage />} />
                <Route path="/runs/:runId" element={<RunPage />} />
                <Route path="/compare" element={<ComparePage />} />
                <Route path="/recycle-bin" element={<RecycleBinPage />} />
                <Route path="/artifacts" element={<ArtifactsPage />} />
                <Route path="/artifacts/:name" element={<ArtifactPage />} />
                <Route path="/artifacts/:name/:version" element={<VersionPage />} />
                <Route path="/settings" element={<SettingsPage />} />
                <Route path="/monitor" element={<MonitorPage />} />
                <Route path="/login" element={<LoginPage />} />
                <Route path="/tokens" element={<TokensPage />} />
                <Route path="/remote" element={<RemotePage />} />
                <Route path="*" element={<Navigate to="/" replace />} />
              </Routes>
            </Suspense>
          </Shell>
        </BrowserRouter>
      </QueryClientProvider>
    </MantineProvider>
  );
}
