"""machikoe.analysis: pure-Python maths and text processing; no Django import below here."""
