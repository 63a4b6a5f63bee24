"""Pages: dashboard, indicator page, logic model, exports, staff CRUD and access."""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from machikoe.core.models import AuditLog
from machikoe.ebpm import services
from machikoe.ebpm.models import Indicator, Measure, Observation

pytestmark = pytest.mark.django_db

INDICATORS = (
    "id,name,unit,direction,baseline_year,baseline_value,target_year,target_value,section,illustrative\n"
    "W1,ごみ排出量,g/人・日,down,2013,579,2024,492,V5-1,\n"
    "X1,例示の指標,%,up,2020,10,2030,20,V4,例示\n"
)
OBS = "id,year,value\nW1,2013,579\nW1,2016,560\nW1,2019,540\nW1,2021,530\nX1,2020,10\n"


@pytest.fixture
def data(plan: Any) -> dict[str, Indicator]:
    services.import_file(INDICATORS.encode(), "i.csv")
    services.import_file(OBS.encode(), "o.csv")
    w1 = Indicator.objects.get(code="W1")
    services.save_measure(None, {"code": "M1", "name": "資源回収の拡充"}, indicators=[w1])
    return {i.code: i for i in Indicator.objects.all()}


def figures_of(html: str) -> dict[str, Any]:
    match = re.search(
        r'<script id="ebpm-figures" type="application/json">(.*?)</script>', html, re.S
    )
    assert match, "figure data (json_script) missing"
    return json.loads(match.group(1))


def test_dashboard_groups_by_perspective_with_charts_and_tables(client: Client, data: Any) -> None:
    response = client.get(reverse("ebpm:dashboard"), {"year": 2020})
    html = response.content.decode()
    assert response.status_code == 200
    assert "V5 持続可能な循環型社会" in html
    assert "この視点には成果指標がまだありません" in html  # V1 etc.
    assert "ごみ排出量" in html and "未達見込み" in html
    assert "例示の目標" in html and "区が定めた目標ではありません" in html
    assert "公開資料から取得できていません" in html
    # Chart data through json_script, drawn by the static file; never an inline script.
    figures = figures_of(html)
    w1 = data["W1"]
    names = [t["name"] for t in figures[f"fig-{w1.pk}"]["data"]]
    assert names[:2] == ["実績", "必要な道筋（直線）"] and "90%予測区間" in names
    assert f'data-figure="fig-{w1.pk}"' in html
    assert reverse("core:plotly_js") in html and "ebpm/ebpm.js" in html
    assert not re.search(r"<script(?![^>]*\b(src|type=\"application/json\"))[^>]*>", html)
    # The table beside the chart carries the same numbers.
    assert "ごみ排出量 のデータ" in html and "579" in html
    # Formulas are explained on the page.
    for words in (
        "進捗率",
        "（最新値 − 基準値）÷（目標値 − 基準値）× 100",
        "t(0.95, n−2)",
        "p ≥ 0.7",
    ):
        assert words in html


def test_dashboard_scheme_and_year_options(client: Client, data: Any) -> None:
    html = client.get(
        reverse("ebpm:dashboard"), {"scheme": "sano_points", "year": "abc"}
    ).content.decode()
    assert "佐野市" in html
    assert 'value="sano_points" selected' in html
    html = client.get(
        reverse("ebpm:dashboard"), {"scheme": "nope", "year": "99999"}
    ).content.decode()
    assert 'value="default" selected' in html


def test_empty_dashboard(client: Client, plan: Any) -> None:
    html = client.get(reverse("ebpm:dashboard")).content.decode()
    assert "成果指標はまだ登録されていません" in html


def test_indicator_page_shows_history_measures_and_no_evidence_yet(
    client: Client, data: Any
) -> None:
    w1 = data["W1"]
    services.add_observation(None, w1, year=2021, value=528.0, source="確報")
    html = client.get(reverse("ebpm:indicator", args=[w1.pk])).content.decode()
    assert "資源回収の拡充" in html
    assert "改定前・取り下げ" in html and "530 → 528" in html
    assert "まだ分析結果がありません" in html
    assert "取り下げ" in html and "職員の操作" not in html  # public visitor: no staff tools
    assert client.get(reverse("ebpm:indicator", args=[99999])).status_code == 404


def test_logic_model_page_shows_gaps(client: Client, data: Any) -> None:
    services.save_measure(None, {"code": "M2", "name": "居場所づくり"}, indicators=[])
    html = client.get(reverse("ebpm:logic_model")).content.decode()
    assert "動かす施策・事業のない成果指標" in html
    assert "例示の指標" in html  # X1 has no measure
    assert "居場所づくり" in html  # measure with no indicator
    assert "V1" in html and "成果指標のない政策の視点" in html
    assert "まだ分析結果がありません" in html


def test_csv_export_is_utf8_with_bom(client: Client, data: Any) -> None:
    response = client.get(reverse("ebpm:export_csv"), {"year": 2020})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    w1 = next(r for r in rows if r["指標ID"] == "W1")
    assert w1["見込み"] == "未達見込み" and w1["最新値"] == "530"
    assert float(w1["進捗率(%)"]) == pytest.approx(49 / 87 * 100, rel=1e-5)
    x1 = next(r for r in rows if r["指標ID"] == "X1")
    assert x1["例示の目標"] == "例示" and "少なくとも3件" in x1["注記"]


def test_html_report_is_self_contained(client: Client, data: Any) -> None:
    response = client.get(reverse("ebpm:report"))
    assert "attachment" in response["Content-Disposition"]
    html = response.content.decode()
    assert "成果指標の評価レポート" in html and "ごみ排出量" in html
    assert "Plotly" in html and len(html) > 1_000_000  # plotly.js embedded
    assert not re.search(r'<(script|link)[^>]+(src|href)="', html)  # nothing fetched
    assert "/vendor/plotly" not in html and "/static/" not in html
    assert "進捗率" in html and "例示の目標" in html


def test_staff_pages_need_a_staff_login(client: Client, data: Any, resident: Any) -> None:
    url = reverse("ebpm:manage")
    assert client.get(url).status_code == 302
    client.force_login(resident)
    assert client.get(url).status_code == 403
    assert client.post(reverse("ebpm:indicator_new"), {}).status_code == 403
    assert client.get(reverse("ebpm:indicator", args=[data["W1"].pk])).status_code == 200


def test_staff_crud_through_the_pages(client: Client, data: Any, staff: Any) -> None:
    client.force_login(staff)
    assert client.get(reverse("ebpm:manage")).status_code == 200
    form = {
        "code": "CO2",
        "section_code": "V5-1",
        "name": "CO2排出量",
        "unit": "万t",
        "direction": "down",
        "baseline_year": "2013",
        "baseline_value": "300",
        "target_year": "2030",
        "target_value": "162",
        "vision_label": "2050年 脱炭素",
        "vision_year": "2050",
        "vision_value": "0",
        "milestones_text": "2025:200",
        "order": "0",
    }
    response = client.post(reverse("ebpm:indicator_new"), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    co2 = Indicator.objects.get(code="CO2")
    assert co2.milestones.get().year == 2025
    page = client.get(reverse("ebpm:indicator", args=[co2.pk]), {"year": 2025}).content.decode()
    assert "2050年 脱炭素" in page and "長期ビジョンの道筋とのギャップ" in page
    assert "職員の操作" in page
    unknown = client.post(
        reverse("ebpm:indicator_edit", args=[co2.pk]), {**form, "section_code": "V9"}
    )
    assert "節「V9」がありません" in unknown.content.decode()
    # A target year before the baseline year is refused with a message, nothing saved.
    bad = client.post(
        reverse("ebpm:indicator_edit", args=[co2.pk]), {**form, "target_year": "2010"}
    )
    assert bad.status_code == 200 and "基準年より後" in bad.content.decode()
    co2.refresh_from_db()
    assert co2.target_year == 2030
    # Observation, then a revision of it.
    url = reverse("ebpm:observation_add", args=[co2.pk])
    assert client.post(url, {"year": "2020", "month": "0", "value": "250"}).status_code == 302
    assert client.post(url, {"year": "2020", "month": "0", "value": "248"}).status_code == 302
    assert Observation.objects.filter(indicator=co2).count() == 2
    current = Observation.objects.get(indicator=co2, is_current=True)
    assert client.post(reverse("ebpm:observation_withdraw", args=[current.pk])).status_code == 302
    assert Observation.objects.get(indicator=co2, is_current=True).value == 250.0
    # Measure with outputs and indicators.
    response = client.post(
        reverse("ebpm:measure_new"),
        {
            "code": "M9",
            "name": "省エネ診断",
            "section_code": "V5-1",
            "indicators": [co2.pk],
            "outputs_text": "診断件数|件|2024|40",
        },
    )
    assert response.status_code == 302
    m9 = Measure.objects.get(code="M9")
    assert list(m9.indicators.all()) == [co2] and m9.outputs.get().value == 40.0
    assert client.post(reverse("ebpm:measure_delete", args=[m9.pk])).status_code == 302
    assert client.post(reverse("ebpm:indicator_delete", args=[co2.pk])).status_code == 302
    assert not Indicator.objects.filter(code="CO2").exists()
    actions = set(AuditLog.objects.filter(actor=staff).values_list("action", flat=True))
    assert {
        "ebpm.indicator.create",
        "ebpm.observation.create",
        "ebpm.observation.revise",
        "ebpm.observation.withdraw",
        "ebpm.measure.create",
        "ebpm.measure.delete",
        "ebpm.indicator.delete",
    } <= actions


def test_import_upload_reports_errors_and_writes_nothing(
    client: Client, data: Any, staff: Any
) -> None:
    client.force_login(staff)
    before = Observation.objects.count()
    bad = SimpleUploadedFile("bad.csv", "id,year,value\nW1,2022,520\nW1,2023,x\n".encode("cp932"))
    response = client.post(
        reverse("ebpm:import"),
        {"file": bad, "layout": "auto", "municipality": "世田谷区"},
        follow=True,
    )
    html = response.content.decode()
    assert "取り込めませんでした" in html and "3 行目" in html
    assert Observation.objects.count() == before
    good = SimpleUploadedFile("good.csv", "id,year,value\nW1,2022,520\n".encode("utf-8-sig"))
    response = client.post(
        reverse("ebpm:import"),
        {"file": good, "layout": "auto", "municipality": "世田谷区"},
        follow=True,
    )
    assert "取り込みました" in response.content.decode()
    assert Observation.objects.count() == before + 1


def test_thresholds_and_scheme_come_from_settings(client: Client, data: Any, settings: Any) -> None:
    settings.MACHIKOE_EBPM_STATUS_THRESHOLDS = (0.0, 0.0)  # every projection counts as likely
    settings.MACHIKOE_EBPM_GRADING_SCHEME = "osaka_lib_abcd"
    html = client.get(reverse("ebpm:dashboard"), {"year": 2020}).content.decode()
    assert "未達見込み" not in html.split('id="overall-heading"')[1].split("</section>")[0]
    assert 'value="osaka_lib_abcd" selected' in html
    assert "p ≥ 0.0" in html


def test_exports_are_safe_with_hostile_names(client: Client, data: Any) -> None:
    services.save_indicator(
        None,
        {
            "code": "Z1",
            "name": '=HYPERLINK("x")</script><script>alert(1)</script>',
            "unit": "件",
            "direction": "up",
        },
    )
    rows = list(
        csv.reader(io.StringIO(client.get(reverse("ebpm:export_csv")).content.decode("utf-8-sig")))
    )
    z1 = next(r for r in rows if r[0] == "Z1")
    assert z1[1].startswith("'=HYPERLINK")
    html = client.get(reverse("ebpm:report")).content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;/script&gt;&lt;script&gt;alert(1)" in html  # escaped in the page text
    dashboard = client.get(reverse("ebpm:dashboard")).content.decode()
    assert "<script>alert(1)" not in dashboard
