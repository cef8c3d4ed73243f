import marimo

__generated_with = "0.25.2"
app = marimo.App(width="full")


@app.cell
def _():
    import marimo as mo

    import journey_widgets as jw
    from journey_widgets import Journey
    from journey_widgets.charts import funnel_chart

    return Journey, funnel_chart, jw, mo


@app.cell
def _(Journey, jw, mo):
    # The builder's editor in marimo: mo.ui.anywidget wraps it, so each edit re-runs the cells that read it.
    events, identity = jw.sample_events(100_000, seed=1)
    builder = jw.JourneyBuilder(events, Journey("Browser test").stage("Visited", "page_visited"), identity=identity)
    editor = mo.ui.anywidget(builder.editor)
    editor
    return builder, editor


@app.cell
def _(builder, editor, funnel_chart, jw, mo):
    # Re-runs at every edit made in the builder above: the journey it holds and its funnel.
    editor.value  # this cell depends on the editor's state: it re-runs at each edit
    try:
        journey = builder.journey
    except jw.JourneyError as problem:
        shown = mo.md(f"**Not computed yet:** {problem}")
    else:
        builder.wait()
        shown = mo.vstack(
            [
                mo.md(f"Journey in Python: `{journey.to_json(indent=None)}`"),
                funnel_chart(builder.result.funnel(), title=journey.name),
            ]
        )
    shown
    return


if __name__ == "__main__":
    app.run()
