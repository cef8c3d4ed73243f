"""Export any chart to HTML (self-contained, offline), SVG or PNG with vl-convert (no browser)."""

from __future__ import annotations

from pathlib import Path

import altair as alt

from journey_widgets.errors import ArgumentError


def _spec(chart: alt.TopLevelMixin) -> dict:
    return chart.to_dict()


def chart_to_png_bytes(chart: alt.TopLevelMixin, *, scale: float = 2.0) -> bytes:
    import vl_convert as vlc

    return vlc.vegalite_to_png(_spec(chart), scale=scale)


def chart_to_svg(chart: alt.TopLevelMixin) -> str:
    import vl_convert as vlc

    return vlc.vegalite_to_svg(_spec(chart))


def chart_to_html(chart: alt.TopLevelMixin) -> str:
    """A standalone HTML page with Vega, Vega-Lite and vega-embed inlined (works offline)."""
    import vl_convert as vlc

    return vlc.vegalite_to_html(_spec(chart), bundle=True)


def save_chart(chart: alt.TopLevelMixin, path: str | Path) -> Path:
    """Write ``chart`` as .html, .svg or .png, chosen by the file's suffix."""
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix == ".png":
        target.write_bytes(chart_to_png_bytes(chart))
    elif suffix == ".svg":
        target.write_text(chart_to_svg(chart), encoding="utf-8")
    elif suffix == ".html":
        target.write_text(chart_to_html(chart), encoding="utf-8")
    else:
        raise ArgumentError(f"cannot save a chart as {suffix or 'a file without suffix'!r}: use .html, .svg or .png")
    return target
