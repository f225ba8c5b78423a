/**
 * Puts `text` on the clipboard. The Clipboard API exists only in secure contexts (HTTPS or
 * loopback): a team viewer reached over plain HTTP falls back to copying the selected `field`.
 * False when neither worked; the text is then left selected for the user to copy by hand.
 */
export async function copyText(text: string, field?: HTMLInputElement | null): Promise<boolean> {
  if (typeof navigator !== "undefined" && navigator.clipboard && window.isSecureContext) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      // Refused (permissions, focus): try the selection below.
    }
  }
  if (!field) return false;
  field.focus();
  field.select();
  try {
    return document.execCommand("copy");
  } catch {
    return false;
  }
}
