#!/usr/bin/env python3
"""Writes the tiny seed corpora of the fuzz targets into fuzz/seeds/<target>/.

Run from the repository root: python3 fuzz/seeds/make_seeds.py
Each extraction seed starts with the target's mode byte (see fuzz/fuzz_targets).
"""
import io
import json
import os
import zipfile

ROOT = os.path.dirname(os.path.abspath(__file__))


def write(target, name, data):
    folder = os.path.join(ROOT, target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode("utf-8"))


def pdf(content):
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % (i + 1) + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for o in offsets:
        out += b"%010d 00000 n \n" % o
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


CONTENT = (b"BT /F1 11 Tf 14 TL 72 770 Td\n(Recommendations) Tj T* T*\n"
           b"[(1. The Board should ) -20 (review its threshold guidance.)] TJ T*\n"
           b"(2. Agencies must share infor-) ' (mation about the child.) ' ET\n"
           b"BT 72 40 Td (Page 1 of 1) Tj ET")

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
DOCUMENT = ('<?xml version="1.0"?><w:document xmlns:w="%s"><w:body>'
            '<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>Lessons learned</w:t></w:r></w:p>'
            '<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr>'
            '<w:r><w:t xml:space="preserve">Agencies did not share </w:t></w:r><w:r><w:tab/><w:t>A&amp;E notes.</w:t></w:r></w:p>'
            '<w:tbl><w:tr><w:tc><w:p><w:r><w:t>Cell</w:t></w:r></w:p></w:tc></w:tr></w:tbl>'
            '</w:body></w:document>') % W
NUMBERING = ('<?xml version="1.0"?><w:numbering xmlns:w="%s"><w:abstractNum w:abstractNumId="0">'
             '<w:lvl w:ilvl="0"><w:numFmt w:val="decimal"/><w:lvlText w:val="%%1."/></w:lvl></w:abstractNum>'
             '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>') % W


def docx():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        z.writestr("word/document.xml", DOCUMENT)
        z.writestr("word/numbering.xml", NUMBERING)
    return buf.getvalue()


HTML = ("<html><head><title>Child Q</title><style>p{}</style><script>var x='<p>';</script></head>"
        "<body><nav><a href=/>Home</a></nav><main><h1>Executive summary</h1>"
        "<p>Child&nbsp;Q was &lt;2&gt; years old &amp; not brought to appointments.</p>"
        "<ol><li>Share information.</li><li>Hear the child&#8217;s voice.</li></ol>"
        "<table><tr><td>GP</td><td>Police</td></tr></table><!-- note --></main>"
        "<footer>Page 1 of 2</footer></body></html>")


def review():
    return {
        "title": "Serious Case Review: Child Z", "board": "eastmarsh",
        "review_type": "serious_case_review", "incident": "serious_harm",
        "abuse": ["neglect"], "child": {"age_band": "under_1", "sex": "female"},
        "incident_date": "2003-02", "commissioned_on": "2003-04-07",
        "completed_on": "2003-09-19", "published_on": "2004-01-26",
        "themes": ["neglect"], "agencies": ["police", "school"],
        "summary": "The baby was not brought to appointments.",
        "lessons": [{"kind": "lesson", "level": "inter_agency", "themes": ["neglect"],
                     "text": "No agency asked who lived in the household."},
                    {"kind": "recommendation", "level": "individual", "agency": "police",
                     "themes": [], "text": "Share every notification."}],
    }


def multipart(parts, boundary="XyZ", params=""):
    body = b""
    for headers, data in parts:
        body += b"--" + boundary.encode() + b"\r\n" + headers.encode() + b"\r\n\r\n" + data + b"\r\n"
    body += b"--" + boundary.encode() + b"--\r\n"
    return b"multipart/form-data; boundary=" + boundary.encode() + params.encode() + b"\n" + body


def main():
    write("extract_pdf", "hand", b"\x00" + pdf(CONTENT))
    write("extract_pdf", "content", b"\x01" + CONTENT)
    write("extract_docx", "whole", b"\x00" + docx())
    write("extract_docx", "document", b"\x01" + DOCUMENT.encode() + b"\x00" + NUMBERING.encode())
    write("extract_html", "page", HTML)
    write("extract_html", "win1252", b"<p>caf\xe9 \x93quoted\x94</p><br><p>one<br>two</p>")
    write("extract_text", "utf8", "Executive summary\n\nThe child\u2019s voice was not heard.\n1. Share information.\n\x0cPage 2 of 2\n")
    write("extract_text", "win1252", b"Recommendations\r\n\r\nThe GP\x92s notes \x96 not shared.\r\n")
    write("extract_text", "html", "<!doctype html><p>x</p>")
    write("query", "plain", "q=neglect+not+brought&view=lessons")
    write("query", "filters", "q=%22domestic+abuse%22+A%26E&theme=neglect&board=eastmarsh&year_from=2003&year_to=2010&sort=newest&page=2&per_page=5")
    write("query", "syntax", 'q=title:(unclosed AND "slop"~2 -minus +plus *')
    write("review_json", "valid", json.dumps(review()))
    bad = review()
    bad["lessons"][1].pop("agency")
    bad["child"]["sex"] = "unknown_value"
    bad["completed_on"] = "2003-13-40"
    write("review_json", "invalid", json.dumps(bad))
    metadata = json.dumps(review()).encode()
    write("multipart", "api", multipart([
        ('Content-Disposition: form-data; name="metadata"', metadata),
        ('Content-Disposition: form-data; name="file"; filename="es.txt"\r\nContent-Type: text/plain',
         b"Executive summary\n\nLessons learned\n\n1. Agencies should share information.\n"),
        ('Content-Disposition: form-data; name="document_type"', b"executive_summary"),
    ]))
    write("multipart", "form", multipart([
        ('Content-Disposition: form-data; name="title"', b"Child Z"),
        ('Content-Disposition: form-data; name="file"; filename="es.html"', HTML.encode()),
    ], boundary="b", params="; origin=web"))


main()
