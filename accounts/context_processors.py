def organization(request):
    return {"org": getattr(request, "org", None), "membership": getattr(request, "membership", None)}
