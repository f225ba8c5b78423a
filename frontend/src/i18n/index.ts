import i18n from "i18next";
import { initReactI18next } from "react-i18next";
import { en } from "./en";
import { zh } from "./zh";

export const LANGUAGES = [
  { value: "en", label: "English" },
  { value: "zh", label: "中文" },
] as const;
export type Language = (typeof LANGUAGES)[number]["value"];

const STORAGE_KEY = "runicorn.language";

function isLanguage(value: string | null): value is Language {
  return LANGUAGES.some((l) => l.value === value);
}

/** The remembered choice, else the browser's language when it is Chinese, else English. */
export function initialLanguage(): Language {
  const stored = safeStorage()?.getItem(STORAGE_KEY) ?? null;
  if (isLanguage(stored)) return stored;
  return typeof navigator !== "undefined" && navigator.language.toLowerCase().startsWith("zh") ? "zh" : "en";
}

export function setLanguage(language: Language): void {
  safeStorage()?.setItem(STORAGE_KEY, language);
  void i18n.changeLanguage(language);
}

// The page's lang follows the language (fonts, screen readers, hyphenation).
i18n.on("languageChanged", (language) => {
  if (typeof document !== "undefined") document.documentElement.lang = language === "zh" ? "zh-CN" : "en";
});

function safeStorage(): Storage | null {
  try {
    return typeof localStorage === "undefined" ? null : localStorage;
  } catch {
    return null; // storage disabled (privacy mode): the choice just is not remembered
  }
}

const language = initialLanguage();
if (typeof document !== "undefined") document.documentElement.lang = language === "zh" ? "zh-CN" : "en";

void i18n.use(initReactI18next).init({
  resources: { en: { translation: en }, zh: { translation: zh } },
  lng: language,
  fallbackLng: "en",
  interpolation: { escapeValue: false }, // React escapes
  returnNull: false,
  showSupportNotice: false, // no advertisement in the console
});

export default i18n;
