import type { ReactElement } from "react";
import { MantineProvider } from "@mantine/core";
import { render } from "@testing-library/react";
import i18n from "../i18n";

/** Renders inside the app's providers, in the given language. */
export async function renderApp(ui: ReactElement, language: "en" | "zh" = "en") {
  await i18n.changeLanguage(language);
  return render(<MantineProvider>{ui}</MantineProvider>);
}
