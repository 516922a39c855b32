"""Document writers (PDF with reportlab, Excel with openpyxl). No Qt; heavy imports stay lazy."""
