import React from "react";
import ReactDOM from "react-dom/client";
import "./i18n";
import { App, queryClient } from "./App";
import { prefetchFor } from "./prefetch";

prefetchFor(queryClient, window.location);

ReactDOM.createRoot(document.getElementById("root")!).render(
  <React.StrictMode>
    <App />
  </React.StrictMode>,
);
