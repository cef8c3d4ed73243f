// @ts-check
// Which theme the host shows: the builder's own background (JupyterLab's --jp-layout-color1, or the
// prefers-color-scheme fallback, or a host's dark class) read back, so every host is handled the same way.

/** Whether a CSS colour ("rgb(17, 17, 17)") is dark. @param {string} color */
export function isDark(color) {
  const [r, g, b] = (color.match(/[\d.]+/g) ?? ["255", "255", "255"]).map(Number);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b < 128;
}

/**
 * Call `report("light" | "dark")` now and whenever the host's theme may have changed (JupyterLab's theme
 * switch, the system's colour scheme).
 * @param {HTMLElement} root @param {(theme: "light" | "dark") => void} report @returns {() => void} stops watching
 */
export function watchTheme(root, report) {
  let last = "";
  const check = () => {
    const theme = isDark(getComputedStyle(root).backgroundColor) ? "dark" : "light";
    if (theme !== last) report(theme);
    last = theme;
  };
  const media = window.matchMedia?.("(prefers-color-scheme: dark)");
  const observer = new MutationObserver(() => requestAnimationFrame(check));
  observer.observe(document.body, { attributes: true, attributeFilter: ["data-jp-theme-light", "class", "data-theme"] });
  media?.addEventListener("change", check);
  requestAnimationFrame(check);
  return () => {
    observer.disconnect();
    media?.removeEventListener("change", check);
  };
}
