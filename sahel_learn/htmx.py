"""htmx for every app: one URL, one view, one template; the swapped partial when htmx asks."""

from django.shortcuts import render


def render_swappable(request, template_name, partial, context, *, status=200):
    """The whole page, or only its ``partial`` when htmx asks (but not when htmx restores history).

    Only for pages whose ``partial`` an ``hx-get`` swaps into the wrapper of the same id; decorate
    the view with ``@vary_on_headers("HX-Request")``. Pages that nothing swaps use ``render()``.
    """
    if request.htmx and not request.htmx.history_restore_request:
        template_name = f"{template_name}#{partial}"
    return render(request, template_name, context, status=status)
