"""Forms: the residents' opinion form (adult and youth wording), reports, staff forms."""

from __future__ import annotations

from typing import Any

from django import forms

from machikoe.participation.models import (
    YOUTH_AGE_BANDS,
    AgeBand,
    Channel,
    Consultation,
    District,
    HiddenReason,
    Relation,
)
from machikoe.participation.services import MAX_BODY_CHARS

BLANK = ("", "選ばない")


class OpinionForm(forms.Form):
    body = forms.CharField(
        label="ご意見",
        widget=forms.Textarea(attrs={"rows": 8, "maxlength": MAX_BODY_CHARS}),
        max_length=MAX_BODY_CHARS,
        help_text=f"{MAX_BODY_CHARS:,}字まで。お名前や電話番号などの個人情報は書かないでください（書かれていても公開時には伏せます）。",
        error_messages={
            "required": "ご意見を入力してください。",
            "max_length": f"ご意見は{MAX_BODY_CHARS:,}字以内で入力してください（いま%(show_value)d字です）。",
        },
    )
    section_code = forms.ChoiceField(label="対象の項目", required=False)
    age_band = forms.ChoiceField(label="年代", required=False)
    district = forms.ChoiceField(label="お住まいの地域", required=False)
    relation = forms.ChoiceField(label="区との関わり", required=False)
    # Honeypot: hidden from people (CSS and aria-hidden), filled in by naive bots.
    website = forms.CharField(
        label="ウェブサイト（入力しないでください）",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(
        self,
        *args: Any,
        consultation: Consultation,
        sections: list[tuple[str, str]],
        youth: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.consultation = consultation
        self.youth = youth
        if sections:
            self._choices("section_code", [("", "全体について"), *sections])
        else:
            del self.fields["section_code"]
        ages = list(AgeBand.choices)
        if youth:
            ages = [c for c in ages if c[0] in YOUTH_AGE_BANDS or c[0] == AgeBand.NO_ANSWER]
            ages.append((AgeBand.AGE_20S.value, "それより上"))
        self._choices("age_band", [BLANK, *ages])
        self._choices("district", [BLANK, *District.choices])
        self._choices("relation", [BLANK, *Relation.choices])
        for name, ask in (
            ("age_band", consultation.ask_age_band),
            ("district", consultation.ask_district),
            ("relation", consultation.ask_relation),
        ):
            if not ask:
                del self.fields[name]
        if youth:
            self.fields["body"].label = "あなたの考え"
            self.fields[
                "body"
            ].help_text = "思ったことを自由に書いてください。名前や住所は書かないでね。"
            self.fields["body"].error_messages["required"] = "考えを書いてください。"
            if "age_band" in self.fields:
                self.fields["age_band"].label = "学年・年れい"
            if "district" in self.fields:
                self.fields["district"].label = "住んでいる地域"
            if "relation" in self.fields:
                self.fields["relation"].label = "世田谷区とのかかわり"
            if "section_code" in self.fields:
                self.fields["section_code"].label = "どのテーマについて？"

    def _choices(self, name: str, choices: list[tuple[str, str]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    @property
    def channel(self) -> str:
        return Channel.YOUTH_WEB if self.youth else Channel.WEB


class ReportForm(forms.Form):
    reason = forms.ChoiceField(label="理由", choices=HiddenReason.choices)
    note = forms.CharField(
        label="補足（任意）",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ConsultationForm(forms.ModelForm):
    channels = forms.MultipleChoiceField(
        label="受付チャネル",
        choices=Channel.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="選ばなければすべてのチャネルで受け付けます。",
    )
    section_codes_text = forms.CharField(
        label="対象の節（コードをカンマ区切り）",
        required=False,
        help_text="空なら計画全体が対象です。例: V4, V4-1",
    )

    class Meta:
        model = Consultation
        fields = [
            "slug",
            "title",
            "description",
            "plan_version",
            "opens_at",
            "closes_at",
            "channels",
            "ask_age_band",
            "ask_district",
            "ask_relation",
        ]
        widgets = {
            "opens_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "closes_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["section_codes_text"].initial = ", ".join(self.instance.section_codes)
            self.fields["slug"].disabled = True

    def cleaned_fields(self) -> dict[str, Any]:
        data = {
            name: self.cleaned_data[name] for name in self.Meta.fields if name in self.cleaned_data
        }
        codes = self.cleaned_data.get("section_codes_text", "")
        data["section_codes"] = [
            c.strip() for c in codes.replace("、", ",").split(",") if c.strip()
        ]
        if self.instance.pk:
            data.pop("slug", None)
        return data


class ModerationForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("approve", "公開"), ("hide", "非公開"), ("restore", "元に戻す")]
    )
    reason = forms.ChoiceField(choices=[("", "—"), *HiddenReason.choices], required=False)


class UploadForm(forms.Form):
    file = forms.FileField(label="CSV または Excel（.xlsx）ファイル")
    channel = forms.ChoiceField(
        label="チャネル",
        choices=[(c.value, c.label) for c in (Channel.IMPORT, Channel.PAPER, Channel.EVENT)],
    )


class MaskAddForm(forms.Form):
    text = forms.CharField(label="伏せる文字列（原文のとおり）", max_length=200)
    category = forms.ChoiceField(
        label="種類",
        choices=[
            ("person_name", "氏名"),
            ("phone", "電話番号"),
            ("email", "メール"),
            ("postal_code", "郵便番号"),
            ("address", "住所"),
            ("my_number", "個人番号"),
        ],
    )
