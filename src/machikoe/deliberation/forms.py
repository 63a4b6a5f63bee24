"""Plain HTML forms (the voting pages work without JavaScript)."""

from __future__ import annotations

from django import forms

from machikoe.deliberation.services import MAX_STATEMENT_LENGTH
from machikoe.participation.models import AgeBand, District


class StatementForm(forms.Form):
    text = forms.CharField(
        label="あなたの意見",
        max_length=MAX_STATEMENT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="ほかの人が賛成・反対できる一文で書いてください。名前や連絡先は書かないでください。",
    )


class AttributesForm(forms.Form):
    age_band = forms.ChoiceField(
        label="年代（任意）", required=False, choices=[("", "選ばない"), *AgeBand.choices]
    )
    district = forms.ChoiceField(
        label="地域（任意）", required=False, choices=[("", "選ばない"), *District.choices]
    )


class SeedForm(forms.Form):
    text = forms.CharField(
        label="意見（職員が用意するもの）",
        max_length=MAX_STATEMENT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    is_meta = forms.BooleanField(label="属性などの問い（分析に使わない）", required=False)


class ImportForm(forms.Form):
    slug = forms.SlugField(label="識別子（英数字）")
    title = forms.CharField(label="題名", max_length=200)
    question = forms.CharField(label="問いかけ", widget=forms.Textarea(attrs={"rows": 2}))
    archive = forms.FileField(
        label="Polis のエクスポート（zip: comments.csv, votes.csv, participants-votes.csv）"
    )
