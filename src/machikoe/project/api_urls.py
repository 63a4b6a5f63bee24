"""The JSON API (django-ninja): one NinjaAPI, each app adds its router in its `api` module."""

from django.urls import path
from ninja import NinjaAPI

api = NinjaAPI(
    title="machikoe API",
    version="1",
    description="まちの声 API: 意見募集・熟議・計画データ。エラーは JSON で、問題のある項目を示します。",
    urls_namespace="api",
)

for module_name in ("participation", "deliberation"):
    module = __import__(f"machikoe.{module_name}.api", fromlist=["router"])
    router = getattr(module, "router", None)
    if router is not None:
        api.add_router(f"/{module_name}/", router)

urlpatterns = [path("", api.urls)]
