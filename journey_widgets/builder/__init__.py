"""The step builder (``JourneyBuilder``, exported by :mod:`journey_widgets`): the widget and everything it alone uses.

``widget`` (the editor and the builder box), ``sweep`` (its "Window sweep" tab), ``messages`` (the page's and the
kernel's messages), ``drilldown`` (the drill-down's replies), ``stage_pick`` (clicks on the chart's bars),
``suggestions`` (filter values from the data), ``worker`` (the latest-wins worker thread of the funnel and the sweep)
and ``problems`` (validation problems in the editor's words). Its frontend is ``js/``.
"""
