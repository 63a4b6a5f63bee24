"""Staff forms: indicators (with milestones as "年:値" text), observations, measures, import."""

from __future__ import annotations

from typing import Any

from django import forms

from machikoe.analysis.ebpm import EbpmInputError, Milestone
from machikoe.analysis.ebpm.layouts import LAYOUTS, parse_milestones, parse_number, parse_year
from machikoe.ebpm.models import Indicator, Measure, Observation
from machikoe.ebpm.services import OutputInput


def _check_section_code(code: str) -> str:
    """A section code must exist in the current plan version (when a plan is loaded)."""
    code = (code or "").strip()
    if not code:
        return code
    from machikoe.ebpm.selectors import plan_sections

    sections = plan_sections()
    if sections and code not in sections:
        raise forms.ValidationError(f"計画の現在の版に節「{code}」がありません（例: V5、V5-1）。")
    return code


class IndicatorForm(forms.ModelForm):
    milestones_text = forms.CharField(
        label="中間目標",
        required=False,
        help_text="「年:値」をセミコロンで区切って入力（例: 2026:25;2028:27）",
    )

    class Meta:
        model = Indicator
        fields = [
            "code",
            "section_code",
            "name",
            "definition",
            "unit",
            "data_source",
            "direction",
            "baseline_year",
            "baseline_value",
            "target_year",
            "target_value",
            "vision_label",
            "vision_year",
            "vision_value",
            "illustrative",
            "note",
            "order",
        ]
        widgets = {
            "definition": forms.Textarea(attrs={"rows": 3}),
            "data_source": forms.Textarea(attrs={"rows": 2}),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["milestones_text"].initial = ";".join(
                f"{m.year}:{m.value:g}" for m in self.instance.milestones.all()
            )

    def clean_section_code(self) -> str:
        return _check_section_code(self.cleaned_data.get("section_code", ""))

    def clean_milestones_text(self) -> tuple[Milestone, ...]:
        try:
            return parse_milestones(self.cleaned_data.get("milestones_text", ""), row=0, column="")
        except EbpmInputError as exc:
            raise forms.ValidationError(exc.message) from exc


class ObservationForm(forms.ModelForm):
    class Meta:
        model = Observation
        fields = ["year", "month", "value", "source", "published_on", "note"]
        widgets = {
            "source": forms.Textarea(attrs={"rows": 2}),
            "note": forms.Textarea(attrs={"rows": 2}),
            "published_on": forms.DateInput(attrs={"type": "date"}),
        }


class MeasureForm(forms.ModelForm):
    indicators = forms.ModelMultipleChoiceField(
        label="動かす成果指標",
        queryset=Indicator.objects.order_by("section_code", "code"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    outputs_text = forms.CharField(
        label="アウトプット",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="1行に1つ、「名称|単位|年|値」（単位・年・値は省略可。例: 講座の開催|回|2024|12）",
    )

    class Meta:
        model = Measure
        fields = ["code", "section_code", "name", "description", "department", "illustrative"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["indicators"].initial = list(self.instance.indicators.all())
            self.fields["outputs_text"].initial = "\n".join(
                "|".join(
                    [
                        o.name,
                        o.unit,
                        "" if o.year is None else str(o.year),
                        "" if o.value is None else f"{o.value:g}",
                    ]
                )
                for o in self.instance.outputs.all()
            )

    def clean_section_code(self) -> str:
        return _check_section_code(self.cleaned_data.get("section_code", ""))

    def clean_outputs_text(self) -> list[OutputInput]:
        outputs = []
        for number, line in enumerate(self.cleaned_data.get("outputs_text", "").splitlines(), 1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")] + ["", "", ""]
            try:
                outputs.append(
                    OutputInput(
                        name=parts[0],
                        unit=parts[1],
                        year=parse_year(parts[2], row=number, column="年", required=False),
                        value=parse_number(parts[3], row=number, column="値", required=False),
                    )
                )
            except EbpmInputError as exc:
                raise forms.ValidationError(f"{number}行目: {exc.message}") from exc
            if not parts[0]:
                raise forms.ValidationError(f"{number}行目: 名称がありません。")
        return outputs


class ImportForm(forms.Form):
    file = forms.FileField(label="ファイル（CSV または xlsx）")
    layout = forms.ChoiceField(
        label="形式",
        choices=[("auto", "自動判定"), *[(name, name) for name in LAYOUTS]],
        initial="auto",
    )
    municipality = forms.CharField(
        label="自治体（統計表の場合）", initial="世田谷区", max_length=20
    )
    revisions = forms.BooleanField(
        label="同じ年の値が重複する行は、後の行による改定として取り込む（履歴は残ります）",
        required=False,
    )
