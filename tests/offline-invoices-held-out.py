#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Writes tests/offline-invoices-held-out.h: fixture text with non-ASCII escaped.
NNBSP = "\u202f"; NBSP = "\u00a0"
F = []
def fx(name, comment, pages, issuer, number, issue, due, total, tax, sub, cur):
    F.append((name, comment, pages, issuer, number, issue, due, total, tax, sub, cur))

fx("en-us-bordered", "US supplier: name set large like a logo, Bill To / Ship To blocks with their own numbers and dates, a table with borders, totals in a box at the bottom right.", ["""
h50 70 Harborline Supply Co.
s50 86 Industrial fasteners since 1982
br545 60 INVOICE
r545 76 Invoice # HS-88213
r545 90 Date: 03/14/2024
r545 104 Terms: Net 30
r545 118 Due Date: 04/13/2024
b50 160 Bill To
50 174 Riverside Manufacturing LLC
50 188 Customer No. 55012
50 202 450 Mill Road, Dayton OH 45402
b300 160 Ship To
300 174 Riverside Plant 2
300 188 Ship Date: 03/12/2024
300 202 PO Number: 4471-B
B 45 240 505 20
L 45 260 45 320
L 550 260 550 320
L 45 320 550 320
L 125 240 125 320
L 350 240 350 320
L 410 240 410 320
L 480 240 480 320
b50 254 Item
b130 254 Description
br405 254 Qty
br475 254 Unit Price
br545 254 Amount
50 274 FS-1020
130 274 Hex bolts M10 (box of 500)
r405 274 40
r475 274 $120.00
r545 274 $4,800.00
50 288 FS-2040
130 288 Stainless washers (box of 1000)
r405 288 30
r475 288 $95.00
r545 288 $2,850.00
50 302 FS-3300
130 302 Anchor kit, heavy duty
r405 302 60
r475 302 $80.00
r545 302 $4,800.00
B 360 330 190 72
370 346 Subtotal
r545 346 $12,450.00
370 360 Shipping
r545 360 $150.00
370 374 Sales Tax (6.25%)
r545 374 $778.13
L 360 381 550 381
b370 394 TOTAL DUE
br545 394 $13,378.13
s50 800 Harborline Supply Co. \u00b7 88 Dock Street \u00b7 Baltimore MD 21202 \u00b7 (410) 555-0198
"""], "Harborline Supply Co.", "HS-88213", "2024-03-14", "2024-04-13", "13378.13", "778.13", "12450", "USD")

fx("de-credit-note", "German credit note: negative amounts, the issuer only in the footer, dates written out, a second (referenced) invoice number and date.", ["""
50 120 Hausverwaltung Sommer GmbH
50 134 Herrn Klaus Sommer
50 148 Gartenweg 12
50 162 93049 Regensburg
330 120 Gutschrift-Nr.: GS-2024-0017
330 134 Datum: 3. M\u00e4rz 2024
330 148 Zu Rechnung: RE-2024-0311 vom 12. Februar 2024
330 162 Kundennummer: 10442
b50 230 Gutschrift
50 260 Wir schreiben Ihnen folgende Positionen gut:
b50 290 Pos.
b80 290 Bezeichnung
br400 290 Menge
br470 290 Einzelpreis
br545 290 Betrag
50 306 1
80 306 R\u00fcckgabe LED-Panel 60x60
r400 306 10
r470 306 -95,00 \u20ac
r545 306 -950,00 \u20ac
50 320 2
80 320 R\u00fcckgabe Netzteil 24 V
r400 320 10
r470 320 -30,00 \u20ac
r545 320 -300,00 \u20ac
r470 360 Summe netto
r545 360 -1.250,00 \u20ac
r470 374 zzgl. 19 % USt.
r545 374 -237,50 \u20ac
br470 392 Gutschriftsbetrag
br545 392 -1.487,50 \u20ac
50 430 Der Betrag wird Ihrem Konto innerhalb von 14 Tagen gutgeschrieben.
s50 790 Elektro Wagner KG \u00b7 Bahnhofstra\u00dfe 7 \u00b7 93047 Regensburg \u00b7 Tel. 0941 555 210
s50 800 Amtsgericht Regensburg HRA 4411 \u00b7 USt-IdNr. DE298765432 \u00b7 IBAN DE44 7505 0000 0012 3456 78
"""], "Elektro Wagner KG", "GS-2024-0017", "2024-03-03", None, "-1487.50", "-237.50", "-1250", "EUR")

fx("fr-no-tax", "French sole trader: a person's name set large, no VAT (art. 293 B), dates in words, narrow no-break spaces as thousands separators.", ["""
h50 70 Camille Lef\u00e8vre
50 90 Photographe \u00b7 8 impasse des Cordiers, 35000 Rennes
50 104 SIRET 812 345 678 00021
b400 150 FACTURE N\u00b0 2024-041
400 164 Rennes, le 5 avril 2024
50 150 Destinataire :
50 164 Agence Horizon Bleu
50 178 14 quai Duguay-Trouin, 35400 Saint-Malo
50 192 N\u00b0 client : C-0087
b50 240 D\u00e9signation
br470 240 Quantit\u00e9
br545 240 Montant
50 258 Reportage photo mariage (journ\u00e9e)
r470 258 1
r545 258 1""" + NNBSP + """450,00 \u20ac
50 272 Tirages d'art 30\u00d740
r470 272 12
r545 272 360,00 \u20ac
50 286 Frais de d\u00e9placement
r470 286 1
r545 286 90,00 \u20ac
r470 330 Total HT
r545 330 1""" + NNBSP + """900,00 \u20ac
br470 344 Net \u00e0 payer
br545 344 1""" + NNBSP + """900,00 \u20ac
50 380 TVA non applicable, article 293 B du CGI
50 394 Paiement \u00e0 r\u00e9ception. \u00c9ch\u00e9ance : 5 mai 2024
"""], "Camille Lef\u00e8vre", "2024-041", "2024-04-05", "2024-05-05", "1900", None, "1900", "EUR")

fx("nl-two-rates", "Dutch printer: name set large without a company suffix, two VAT rates each with its base, dates in words, thousands in the items.", ["""
h50 70 Drukkerij Van der Meer
50 90 Industrieweg 21 \u00b7 3542 AD Utrecht \u00b7 KvK 30123456 \u00b7 BTW NL812345678B01
b50 150 Factuur
50 170 Factuurnummer: 2024-1187
50 184 Factuurdatum: 12 maart 2024
50 198 Vervaldatum: 11 april 2024
330 150 Aan:
330 164 Stichting Cultuurhuis
330 178 Postbus 1200
330 192 3500 BE Utrecht
330 206 Uw referentie: PO-7781
b50 250 Omschrijving
br380 250 Aantal
br440 250 Prijs
br490 250 BTW
br545 250 Bedrag
50 268 Brochures A4, 16 pagina's
r380 268 2.000
r440 268 \u20ac 0,95
r490 268 21%
r545 268 \u20ac 1.900,00
50 282 Boeken gebonden
r380 282 150
r440 282 \u20ac 12,50
r490 282 9%
r545 282 \u20ac 1.875,00
50 296 Ontwerp en opmaak
r380 296 1
r440 296 \u20ac 640,00
r490 296 21%
r545 296 \u20ac 640,00
r460 340 Subtotaal
r545 340 \u20ac 4.415,00
r460 354 BTW 21% over \u20ac 2.540,00
r545 354 \u20ac 533,40
r460 368 BTW 9% over \u20ac 1.875,00
r545 368 \u20ac 168,75
r460 382 Totaal BTW
r545 382 \u20ac 702,15
br460 400 Totaal te betalen
br545 400 \u20ac 5.117,15
"""], "Drukkerij Van der Meer", "2024-1187", "2024-03-12", "2024-04-11", "5117.15", "702.15", "4415", "EUR")

# Spanish, three pages of line items.
import random
random.seed(7)
descs = ["Rodamiento 6204", "Correa trapezoidal A42", "Filtro de aceite", "Junta t\u00f3rica 40 mm", "Tornillo DIN 933 M8", "Arandela plana M8", "Manguera hidr\u00e1ulica 1/2", "Racor recto 12 mm", "Cojinete de bronce", "Pasador el\u00e1stico 6x40", "Rel\u00e9 24 V", "Fusible 10 A", "Cable 3x2,5 (metro)", "Interruptor de l\u00edmite", "Grasa de litio 400 g"]
items = []
for i in range(44):
    qty = random.choice([2, 4, 5, 10, 12, 20, 25, 50])
    cents = random.choice([85, 120, 349, 575, 990, 1250, 2480, 4600, 11900])
    items.append(("R-%03d" % (101 + i), descs[i % len(descs)], qty, cents, qty * cents))
def es(c):
    neg = c < 0; c = abs(c)
    e, d = divmod(c, 100)
    s = "{:,}".format(e).replace(",", ".")
    return ("-" if neg else "") + s + ",%02d" % d
net = sum(x[4] for x in items)
iva = (net * 21 + 50) // 100
tot = net + iva
pages = []
per = [20, 20, 4]
k = 0
for p, n in enumerate(per):
    lines = []
    if p == 0:
        lines += ["h50 70 Suministros Navarro S.A.",
                  "50 90 Pol\u00edgono Industrial Norte, nave 4 \u00b7 50014 Zaragoza \u00b7 CIF A50123456",
                  "b400 140 FACTURA", "400 156 N\u00famero: F/2024/0099",
                  "400 170 Fecha: 15 de enero de 2024", "400 184 Vencimiento: 14 de febrero de 2024",
                  "50 140 Cliente:", "50 154 Talleres Ruiz S.L.", "50 168 Avenida de Catalu\u00f1a 60", "50 182 50014 Zaragoza"]
        y = 230
    else:
        lines += ["50 60 Suministros Navarro S.A. \u2014 Factura F/2024/0099 (continuaci\u00f3n)"]
        y = 100
    lines += ["b50 %d C\u00f3digo" % y, "b110 %d Descripci\u00f3n" % y, "br420 %d Cant." % y, "br480 %d Precio" % y, "br545 %d Importe" % y]
    y += 18
    for _ in range(n):
        c, d, q, pr, am = items[k]; k += 1
        lines += ["50 %d %s" % (y, c), "110 %d %s" % (y, d), "r420 %d %d" % (y, q), "r480 %d %s" % (y, es(pr)), "r545 %d %s \u20ac" % (y, es(am))]
        y += 14
    if p == len(per) - 1:
        y += 30
        lines += ["r470 %d Base imponible" % y, "r545 %d %s \u20ac" % (y, es(net))]
        y += 14
        lines += ["r470 %d IVA 21 %%" % y, "r545 %d %s \u20ac" % (y, es(iva))]
        y += 16
        lines += ["br470 %d Total factura" % y, "br545 %d %s \u20ac" % (y, es(tot))]
        y += 30
        lines += ["50 %d Forma de pago: transferencia a 30 d\u00edas." % y]
    lines += ["s50 800 P\u00e1gina %d de %d" % (p + 1, len(per))]
    pages.append("\n" + "\n".join(lines) + "\n")
def plain(c):
    return "%d.%02d" % divmod(c, 100) if c % 100 else "%d" % (c // 100)
fx("es-three-pages", "Spanish supplier: 44 line items over three pages with a continuation header, totals on the last page, dates in words, dots as thousands separators.", pages,
   "Suministros Navarro S.A.", "F/2024/0099", "2024-01-15", "2024-02-14", plain(tot), plain(iva), plain(net), "EUR")

fx("it-grid-header", "Italian hardware wholesaler: name set large, document type / number / date / due date in a bordered grid with values under labels, a goods destination block with its own DDT and order numbers and dates.", ["""
h50 70 Ferramenta Bianchi S.p.A.
50 90 Via dell'Artigianato 15 \u00b7 40127 Bologna \u00b7 P.IVA 02345678901
B 50 128 495 38
L 50 146 545 146
L 170 128 170 166
L 290 128 290 166
L 410 128 410 166
s55 140 Tipo documento
s175 140 Numero
s295 140 Data
s415 140 Scadenza
55 160 Fattura
175 160 118/2024
295 160 03/05/2024
415 160 02/06/2024
50 200 Spett.le
50 214 Edilcasa Moretti S.r.l.
50 228 Via Emilia 300
50 242 41121 Modena
330 200 Destinazione merce
330 214 Cantiere Via Po 8, Modena
330 228 DDT n. 331 del 02/05/2024
330 242 Ordine n. 77/24 del 20/04/2024
b50 290 Descrizione
br380 290 Q.t\u00e0
br460 290 Prezzo
br545 290 Importo
50 306 Trapano a percussione 800W
r380 306 4
r460 306 129,00
r545 306 516,00
50 320 Set punte HSS 25 pz
r380 320 10
r460 320 18,50
r545 320 185,00
50 334 Scala in alluminio 3x9
r380 334 2
r460 334 265,00
r545 334 530,00
r460 370 Imponibile
r545 370 1.231,00
r460 384 IVA 22%
r545 384 270,82
br460 400 Totale documento
br545 400 \u20ac 1.501,82
"""], "Ferramenta Bianchi S.p.A.", "118/2024", "2024-05-03", "2024-06-02", "1501.82", "270.82", "1231", "EUR")

fx("en-gb-eur", "British translator invoicing in euros, with a sterling equivalent below the totals; VAT 0% under reverse charge; dates in words.", ["""
50 60 Thistle & Rowan Translations Ltd
50 74 22 Queen Street, Edinburgh EH2 1JX
50 88 VAT Reg. No. GB 123 4567 89
b400 60 INVOICE
400 76 Invoice no. TR-2024-062
400 90 Invoice date 28 June 2024
400 104 Payment due 28 July 2024
50 140 Client:
50 154 Soci\u00e9t\u00e9 Lumi\u00e8re SA
50 168 5 avenue Foch, 75116 Paris
b50 210 Service
br460 210 Words
br545 210 Amount (EUR)
50 226 Translation EN>FR, technical manual
r460 226 24,000
r545 226 3,600.00
50 240 Proofreading
r460 240 24,000
r545 240 600.00
r460 280 Net
r545 280 EUR 4,200.00
r460 294 VAT 0% (reverse charge)
r545 294 EUR 0.00
br460 310 Total due
br545 310 EUR 4,200.00
50 350 For information: total in sterling GBP 3,612.00 at 0.8600 GBP per EUR.
"""], "Thistle & Rowan Translations Ltd", "TR-2024-062", "2024-06-28", "2024-07-28", "4200", "0", "4200", "EUR")

fx("de-ch-apostrophe", "Swiss company: name set large, apostrophes as thousands separators, CHF, MWST 8.1%.", ["""
h50 70 Alpentech AG
50 90 Seestrasse 44 \u00b7 8002 Z\u00fcrich \u00b7 CHE-123.456.789 MWST
b50 140 Rechnung Nr. 24-0815
50 156 Datum: 20.08.2024
50 170 Zahlbar bis: 19.09.2024
330 140 Berghotel Edelweiss
330 154 Dorfstrasse 1
330 168 3920 Zermatt
b50 220 Beschreibung
br545 220 Betrag CHF
50 236 Wartung Heizungsanlage
r545 236 2'450.00
50 250 Ersatzteile
r545 250 1'180.50
r460 290 Total exkl. MWST
r545 290 3'630.50
r460 304 MWST 8.1%
r545 304 294.07
br460 320 Total inkl. MWST
br545 320 CHF 3'924.57
"""], "Alpentech AG", "24-0815", "2024-08-20", "2024-09-19", "3924.57", "294.07", "3630.50", "CHF")

fx("en-us-footer-only", "US design studio: the issuer only in the footer (no suffix), dates in words, a 'Balance Due' total, rules under the table header.", ["""
b50 60 INVOICE
50 90 Invoice #: 1042
50 104 Date: March 3, 2024
50 118 Terms: Net 15
50 132 Due: March 18, 2024
330 90 Billed to:
330 104 Greenleaf Cafe
330 118 19 Elm Street
330 132 Portland OR 97205
b50 180 Description
br400 180 Hours
br470 180 Rate
br545 180 Amount
L 50 185 545 185
50 200 Logo design
r400 200 12
r470 200 $85.00
r545 200 $1,020.00
50 214 Menu layout (2 pages)
r400 214 8
r470 214 $85.00
r545 214 $680.00
L 50 222 545 222
r470 240 Subtotal
r545 240 $1,700.00
r470 254 Tax
r545 254 $0.00
br470 270 Balance Due
br545 270 $1,700.00
50 310 Please make checks payable to the studio below.
s50 790 Bluefin Design Studio \u00b7 310 NW Glisan St, Portland OR 97209 \u00b7 hello@bluefin.example \u00b7 (503) 555-0117
"""], "Bluefin Design Studio", "1042", "2024-03-03", "2024-03-18", "1700", "0", "1700", "USD")

fx("de-box-two-rates", "German delicatessen: the numbers in a bordered box of labels left and values right, a delivery date and a service period beside the invoice date, two VAT rates and no single tax figure (tax is their sum).", ["""
s50 88 Feinkost Hofmann GmbH \u00b7 Marktplatz 3 \u00b7 90403 N\u00fcrnberg
50 104 Kanzlei Dr. Brandt
50 118 K\u00f6nigstra\u00dfe 20
50 132 90402 N\u00fcrnberg
B 330 92 215 60
L 330 107 545 107
L 330 122 545 122
L 330 137 545 137
335 103 Rechnungsnummer
r540 103 2024-5512
335 118 Rechnungsdatum
r540 118 28.03.2024
335 133 Lieferdatum
r540 133 27.03.2024
335 148 Kundennummer
r540 148 K-2290
b50 190 Rechnung
50 206 Leistungszeitraum: 01.03.2024 \u2013 31.03.2024
b50 240 Artikel
br380 240 Menge
br440 240 MwSt.
br490 240 Preis
br545 240 Gesamt
50 256 Pr\u00e4sentkorb Classic
r380 256 12
r440 256 7 %
r490 256 45,00
r545 256 540,00
50 270 Weinpaket Franken
r380 270 6
r440 270 19 %
r490 270 60,00
r545 270 360,00
50 284 Lieferung
r380 284 1
r440 284 19 %
r490 284 25,00
r545 284 25,00
r490 320 Nettobetrag
r545 320 925,00 \u20ac
r490 334 USt. 7 % auf 540,00 \u20ac
r545 334 37,80 \u20ac
r490 348 USt. 19 % auf 385,00 \u20ac
r545 348 73,15 \u20ac
br470 366 Rechnungsbetrag
br545 366 1.035,95 \u20ac
50 400 Zahlbar ohne Abzug bis 11.04.2024.
s50 790 Feinkost Hofmann GmbH \u00b7 Gesch\u00e4ftsf\u00fchrerin: Anna Hofmann \u00b7 HRB 33445 N\u00fcrnberg \u00b7 USt-IdNr. DE287654321
"""], "Feinkost Hofmann GmbH", "2024-5512", "2024-03-28", "2024-04-11", "1035.95", "110.95", "925", "EUR")

fx("fr-bill-ship-box", "French wine merchant: name set large, billing and delivery addresses side by side with their own numbers and dates, a bordered table, totals in a box, no-break spaces as thousands separators.", ["""
h50 70 Maison Garnier & Fils
s50 88 SAS au capital de 50""" + NBSP + """000 \u20ac \u00b7 3 rue Colbert, 33000 Bordeaux \u00b7 RCS Bordeaux 512 345 678
b400 130 Facture
400 146 N\u00b0 : FA-24-00731
400 160 Date : 18/10/2024
400 174 \u00c9ch\u00e9ance : 17/11/2024
b50 130 Adresse de facturation
50 144 Cave du March\u00e9 SARL
50 158 N\u00b0 client : 4410
50 172 12 place du March\u00e9, 17000 La Rochelle
b230 130 Adresse de livraison
230 144 Entrep\u00f4t Nord
230 158 Livraison le 15/10/2024
230 172 BL n\u00b0 99821
B 45 200 505 72
L 45 220 550 220
b50 214 R\u00e9f.
b100 214 D\u00e9signation
br380 214 Qt\u00e9
br450 214 P.U. HT
br545 214 Total HT
50 234 BX-12
100 234 Bordeaux rouge 2019 (carton 6)
r380 234 40
r450 234 54,00
r545 234 2""" + NBSP + """160,00
50 248 SC-03
100 248 Sauternes 2016 (carton 6)
r380 248 10
r450 248 132,00
r545 248 1""" + NBSP + """320,00
50 262 TR-01
100 262 Transport
r380 262 1
r450 262 85,00
r545 262 85,00
B 340 290 210 58
350 306 Total HT
r545 306 3""" + NBSP + """565,00 \u20ac
350 320 TVA 20 %
r545 320 713,00 \u20ac
b350 338 Total TTC
br545 338 4""" + NBSP + """278,00 \u20ac
"""], "Maison Garnier & Fils", "FA-24-00731", "2024-10-18", "2024-11-17", "4278", "713", "3565", "EUR")

fx("en-au-gst", "Australian tax invoice: GST, A$ amounts, dates in words, an amount paid and a balance after the total.", ["""
50 60 Kookaburra Web Services Pty Ltd
50 74 ABN 12 345 678 901
50 88 Level 3, 99 George Street, Sydney NSW 2000
b430 60 TAX INVOICE
430 80 Invoice: INV-10042
430 94 Issued: 1 July 2024
430 108 Due: 15 July 2024
50 140 To: Wattle Creek Vineyards, PO Box 77, Mudgee NSW 2850
b50 190 Description
br460 190 Qty
br545 190 Amount
50 206 Website hosting (annual)
r460 206 1
r545 206 A$1,188.00
50 220 SSL certificate
r460 220 1
r545 220 A$99.00
r460 260 Subtotal (ex GST)
r545 260 A$1,287.00
r460 274 GST 10%
r545 274 A$128.70
br460 290 Total (inc GST)
br545 290 A$1,415.70
r460 304 Amount paid
r545 304 A$0.00
r460 318 Balance due
r545 318 A$1,415.70
"""], "Kookaburra Web Services Pty Ltd", "INV-10042", "2024-07-01", "2024-07-15", "1415.70", "128.70", "1287", "AUD")


# ---- second held-out set, written after the first had been used to fix
# the extractor, and before running it on these.
F2 = []
def fx2(*a):
    F2.append(a)

fx2("en-ca-two-taxes", "Canadian supplier: GST and PST as two lines with no tax total, ISO dates, labels above values in a bordered grid, a 'Remit to' block at the bottom.", ["""
50 60 Maple Leaf Print Works Inc.
50 74 200 Granville Street, Vancouver BC V6C 1S4
50 88 GST No. 12345 6789 RT0001
br545 60 INVOICE
B 330 100 215 36
L 330 118 545 118
L 402 100 402 136
L 474 100 474 136
s335 112 Invoice No.
s407 112 Invoice Date
s479 112 Due Date
335 130 MLP-3307
407 130 2024-05-01
479 130 2024-05-31
b50 170 Sold To
50 184 Coastal Outfitters Ltd.
50 198 88 Marine Drive, Victoria BC V8V 2A1
b50 240 Description
br400 240 Qty
br470 240 Unit
br545 240 Amount
50 256 Trail maps, folded (box of 250)
r400 256 8
r470 256 $140.00
r545 256 $1,120.00
50 270 Waterproof labels (roll)
r400 270 20
r470 270 $19.00
r545 270 $380.00
r470 310 Subtotal
r545 310 $1,500.00
r470 324 GST 5%
r545 324 $75.00
r470 338 PST 7%
r545 338 $105.00
br470 356 Total CAD
br545 356 $1,680.00
50 420 Remit to: Maple Leaf Print Works Inc., 200 Granville Street, Vancouver BC
"""], "Maple Leaf Print Works Inc.", "MLP-3307", "2024-05-01", "2024-05-31", "1680", "180", "1500", "CAD")

fx2("de-holzwurm", "German joinery: name set large without a company suffix, a sender line over the address window, the numbers in a block at the right, Bruttobetrag, 'Fälligkeit'.", ["""
h50 64 Schreinerei Holzwurm
s50 100 Schreinerei Holzwurm \u00b7 Waldweg 8 \u00b7 79098 Freiburg
50 116 Familie Becker
50 130 Rosenstra\u00dfe 41
50 144 79102 Freiburg
330 116 Rechnungs-Nr.: 2024-077
330 130 Rechnungsdatum: 31.05.2024
330 144 F\u00e4lligkeit: 30.06.2024
330 158 Kunden-Nr.: 5521
b50 210 Rechnung
50 226 f\u00fcr die Lieferung und Montage einer Einbauk\u00fcche
b50 260 Leistung
br545 260 Betrag
50 276 Einbauk\u00fcche Eiche, nach Ma\u00df
r545 276 7.850,00 EUR
50 290 Montage (16 Stunden)
r545 290 960,00 EUR
r460 330 Nettobetrag
r545 330 8.810,00 EUR
r460 344 zzgl. 19 % MwSt.
r545 344 1.673,90 EUR
br460 362 Bruttobetrag
br545 362 10.483,90 EUR
s50 800 Schreinerei Holzwurm \u00b7 Inh. Paul Kern \u00b7 Steuernummer 06123/45678 \u00b7 IBAN DE02 6805 0101 0012 3456 78
"""], "Schreinerei Holzwurm", "2024-077", "2024-05-31", "2024-06-30", "10483.90", "1673.90", "8810", "EUR")

fx2("fr-sas-footer", "French design studio: the issuer only in the footer, its legal form before its name (SAS Atelier Bleu); date of issue and payment limit written out; Montant HT / TVA / TTC.", ["""
b50 70 FACTURE
50 90 Num\u00e9ro : 2024-0456
50 104 Date d'\u00e9mission : 12 juin 2024
50 118 Date limite de paiement : 12 juillet 2024
330 90 Client
330 104 Librairie des Quais
330 118 7 quai de la Fosse
330 132 44000 Nantes
b50 180 Prestation
br460 180 Jours
br545 180 Montant
50 196 Identit\u00e9 visuelle
r460 196 4
r545 196 2""" + NBSP + """400,00 \u20ac
50 210 D\u00e9clinaison papeterie
r460 210 1
r545 210 600,00 \u20ac
r460 250 Montant HT
r545 250 3""" + NBSP + """000,00 \u20ac
r460 264 TVA (20 %)
r545 264 600,00 \u20ac
br460 280 Montant TTC
br545 280 3""" + NBSP + """600,00 \u20ac
s50 790 SAS Atelier Bleu \u2013 4 rue Kerv\u00e9gan, 44000 Nantes \u2013 SIRET 901 234 567 00018 \u2013 contact@atelierbleu.example
"""], "SAS Atelier Bleu|Atelier Bleu", "2024-0456", "2024-06-12", "2024-07-12", "3600", "600", "3000", "EUR")

fx2("nl-vof", "Dutch florist V.O.F.: recipient block at the right under 'Aan', 'Factuurnr.' and plain 'Datum', totals excl./incl. BTW.", ["""
50 60 Bloemenhuis Tulp V.O.F.
50 74 Marktstraat 3, 2611 GS Delft
50 88 KvK 87654321 \u00b7 BTW NL004455667B01
b330 60 Aan
330 74 Hotel De Kroon
330 88 Oude Delft 12
330 102 2611 CD Delft
b50 150 FACTUUR
50 166 Factuurnr.: 24-318
50 180 Datum: 02-09-2024
50 194 Vervaldatum: 16-09-2024
b50 240 Omschrijving
br545 240 Bedrag
50 256 Bloemstukken receptie (september)
r545 256 \u20ac 1.250,00
50 270 Bezorging
r545 270 \u20ac 35,00
r460 310 Totaal excl. BTW
r545 310 \u20ac 1.285,00
r460 324 BTW 9%
r545 324 \u20ac 115,65
br460 340 Totaal incl. BTW
br545 340 \u20ac 1.400,65
"""], "Bloemenhuis Tulp V.O.F.", "24-318", "2024-09-02", "2024-09-16", "1400.65", "115.65", "1285", "EUR")

fx2("es-irpf", "Spanish freelancer invoice with a withholding (IRPF) taken off: total = base + IVA - IRPF; 'Fecha de emisión'.", ["""
50 60 Laura Mart\u00ednez Ortega
50 74 Traductora \u00b7 NIF 12345678Z
50 88 Calle del Sol 14, 41001 Sevilla \u00b7 laura@traducciones.example
b400 60 FACTURA N\u00ba 2024/118
400 76 Fecha de emisi\u00f3n: 03/04/2024
400 90 Fecha de vencimiento: 03/05/2024
50 140 Cliente:
50 154 Editorial Guadalquivir S.L.
50 168 Avenida de la Constituci\u00f3n 20, 41004 Sevilla
b50 210 Concepto
br545 210 Importe
50 226 Traducci\u00f3n ingl\u00e9s-espa\u00f1ol, 40.000 palabras
r545 226 1.000,00 \u20ac
r470 270 Base imponible
r545 270 1.000,00 \u20ac
r470 284 IVA (21 %)
r545 284 210,00 \u20ac
r470 298 Retenci\u00f3n IRPF (15 %)
r545 298 -150,00 \u20ac
br470 314 Total factura
br545 314 1.060,00 \u20ac
"""], "Laura Mart\u00ednez Ortega", "2024/118", "2024-04-03", "2024-05-03", "1060", "210", "1000", "EUR")

fx2("en-gb-footer-reg", "British joinery: 'Sales Invoice' with number and date in a box at the right, VAT @ 20%, the issuer named only in the registered-office footer line.", ["""
b50 70 Sales Invoice
B 330 56 215 44
335 70 Invoice Number
r540 70 OJ-1184
335 84 Invoice Date
r540 84 14/02/2024
335 98 Terms
r540 98 30 days
50 130 Invoice to:
50 144 Mrs P. Hughes
50 158 12 Cherry Walk
50 172 Harrogate HG1 2QT
b50 220 Description
br545 220 Net
50 236 Oak staircase, made to measure
r545 236 \u00a34,250.00
50 250 Fitting
r545 250 \u00a3650.00
r460 290 Net total
r545 290 \u00a34,900.00
r460 304 VAT @ 20%
r545 304 \u00a3980.00
br460 320 Total GBP
br545 320 \u00a35,880.00
50 360 Payment due within 30 days of the invoice date.
s50 800 Oakridge Joinery Ltd. Registered in England No. 01234567. Registered office: 5 Mill Lane, Leeds LS1 4AB. VAT Reg. No. GB 987 6543 21
"""], "Oakridge Joinery Ltd.|Oakridge Joinery Ltd", "OJ-1184", "2024-02-14", None, "5880", "980", "4900", "GBP")


# ---- third held-out set, written after the second had been used for
# fixes, and before running the extractor on these.
F3 = []
def fx3(*a):
    F3.append(a)

fx3("en-us-remit", "US software company: labels right-aligned against their values in a block, USD stated, a zero tax line, 'TOTAL AMOUNT DUE', a customer block at the right, a remit-to block at the bottom.", ["""
50 60 Summit Ridge Software Corp.
50 74 4100 Canyon Road, Boulder CO 80302
50 88 billing@summitridge.example
b430 60 INVOICE
r470 90 Invoice #:
480 90 SRS-20931
r470 104 Invoice Date:
480 104 08/01/2024
r470 118 Due Date:
480 118 08/31/2024
b330 150 Customer
330 164 Aspen Health Partners
330 178 PO: 7719-A
b50 220 Description
br470 220 Qty
br545 220 Amount (USD)
50 236 Annual license, 25 seats
r470 236 25
r545 236 11,250.00
50 250 Onboarding workshop
r470 250 1
r545 250 1,500.00
r470 290 Subtotal
r545 290 12,750.00
r470 304 Tax (0%)
r545 304 0.00
br470 320 TOTAL AMOUNT DUE
br545 320 USD 12,750.00
50 380 Remit to: Summit Ridge Software Corp., PO Box 550, Boulder CO 80306
"""], "Summit Ridge Software Corp.", "SRS-20931", "2024-08-01", "2024-08-31", "12750", "0", "12750", "USD")

fx3("it-professionista", "Italian professional: his name on the first line over his VAT and tax codes, number and date on one line ('Fattura n. 7/2024 del 10 gennaio 2024'), due date in words.", ["""
50 60 Dott. Marco Neri
50 74 Consulenza fiscale \u00b7 P.IVA 01234567890 \u00b7 C.F. NRIMRC80A01H501X
50 88 Via Garibaldi 22, 10122 Torino
b50 140 Fattura n. 7/2024 del 10 gennaio 2024
50 156 Scadenza: 9 febbraio 2024
330 190 Spett.le
330 204 Panificio Rosa S.n.c.
330 218 Corso Francia 5, 10138 Torino
b50 260 Descrizione
br545 260 Importo
50 276 Tenuta contabilit\u00e0 anno 2023
r545 276 2.000,00
r460 320 Imponibile
r545 320 2.000,00
r460 334 IVA 22%
r545 334 440,00
br460 350 Totale documento
br545 350 2.440,00 \u20ac
"""], "Dott. Marco Neri|Marco Neri", "7/2024", "2024-01-10", "2024-02-09", "2440", "440", "2000", "EUR")

fx3("de-uebertrag", "German electrician: a sender line over the window, items over two pages with an 'Übertrag' (amount carried over) at the foot of page 1 and the head of page 2, totals on page 2.", ["""
s50 100 M\u00fcller Elektrotechnik e.K. \u00b7 Werkstra\u00dfe 2 \u00b7 01067 Dresden
50 116 Wohnungsbau Elbtal eG
50 130 Hafenstra\u00dfe 9
50 144 01097 Dresden
330 116 Rechnung Nr. 2024-1001
330 130 Datum: 15.07.2024
330 144 Zahlbar bis: 29.07.2024
b50 200 Pos.
b80 200 Leistung
br545 200 Betrag
50 216 1
80 216 Elektroinstallation Haus A
r545 216 2.150,00 \u20ac
50 230 2
80 230 Elektroinstallation Haus B
r545 230 1.300,00 \u20ac
r470 280 \u00dcbertrag
r545 280 3.450,00 \u20ac
s50 800 Seite 1 von 2
""", """
50 60 M\u00fcller Elektrotechnik e.K. \u2014 Rechnung 2024-1001, Seite 2
r470 100 \u00dcbertrag
r545 100 3.450,00 \u20ac
50 120 3
80 120 Pr\u00fcfprotokolle (E-Check)
r545 120 350,00 \u20ac
r470 170 Summe netto
r545 170 3.800,00 \u20ac
r470 184 MwSt. 19 %
r545 184 722,00 \u20ac
br470 200 Gesamtsumme
br545 200 4.522,00 \u20ac
s50 780 M\u00fcller Elektrotechnik e.K. \u00b7 Inhaber Jens M\u00fcller \u00b7 USt-IdNr. DE276543210 \u00b7 IBAN DE75 8505 0300 0221 0444 55
s50 800 Seite 2 von 2
"""], "M\u00fcller Elektrotechnik e.K.", "2024-1001", "2024-07-15", "2024-07-29", "4522", "722", "3800", "EUR")

fx3("fr-acompte", "French builder: a deposit already paid is taken off the TTC total ('Acompte versé', 'Reste à payer'), name set large.", ["""
h50 70 Ma\u00e7onnerie Lambert
50 90 EURL au capital de 8""" + NBSP + """000 \u20ac \u00b7 2 chemin des Vignes, 21000 Dijon \u00b7 SIRET 823 456 789 00011
b400 130 FACTURE N\u00b0 F24-112
400 146 Date : 04/10/2024
400 160 \u00c9ch\u00e9ance : 03/11/2024
50 130 Client :
50 144 M. et Mme Garnier
50 158 5 rue des Tilleuls, 21000 Dijon
b50 210 D\u00e9signation
br545 210 Montant HT
50 226 Muret de cl\u00f4ture, 12 m
r545 226 1""" + NBSP + """500,00 \u20ac
r470 270 Total HT
r545 270 1""" + NBSP + """500,00 \u20ac
r470 284 TVA 20 %
r545 284 300,00 \u20ac
br470 300 Total TTC
br545 300 1""" + NBSP + """800,00 \u20ac
r470 314 Acompte vers\u00e9
r545 314 -500,00 \u20ac
br470 330 Reste \u00e0 payer
br545 330 1""" + NBSP + """300,00 \u20ac
"""], "Ma\u00e7onnerie Lambert", "F24-112", "2024-10-04", "2024-11-03", "1800|1300", "300", "1500", "EUR")

fx3("nl-creditnota", "Dutch credit note: the minus before the euro sign ('-€ 250,00'), name set large, date in words.", ["""
h50 70 Fietsenwinkel De Spaak
50 90 Oudegracht 120, 3511 AZ Utrecht \u00b7 KvK 11223344
b50 140 Creditnota CN-2024-004
50 156 Datum: 5 juni 2024
50 170 Betreft factuur: 2024-0388 van 20 mei 2024
330 140 Aan:
330 154 Koerier Snel B.V.
330 168 Vaartweg 4, 3513 AB Utrecht
b50 220 Omschrijving
br545 220 Bedrag
50 236 Retour elektrische fiets (framenummer 88123)
r545 236 -\u20ac 250,00
r460 280 Subtotaal
r545 280 -\u20ac 250,00
r460 294 BTW 21%
r545 294 -\u20ac 52,50
br460 310 Totaal
br545 310 -\u20ac 302,50
"""], "Fietsenwinkel De Spaak", "CN-2024-004", "2024-06-05", None, "-302.50", "-52.50", "-250", "EUR")

fx3("es-facturacion-envio", "Spanish furniture maker: billing and shipping blocks side by side with their own names, 'Nº Factura', 'Fecha factura'.", ["""
50 60 Muebles Ribera S.A.
50 74 Carretera de Valencia km 3 \u00b7 46470 Catarroja \u00b7 CIF A46123456
b50 120 Datos de facturaci\u00f3n
50 134 Hostal Mediterr\u00e1neo S.L.
50 148 Paseo Mar\u00edtimo 8, 03001 Alicante
b260 120 Datos de env\u00edo
260 134 Hostal Mediterr\u00e1neo (almac\u00e9n)
260 148 Calle Pintor 3, 03002 Alicante
400 180 N\u00ba Factura: MR-5521
400 194 Fecha factura: 22/11/2024
400 208 Vencimiento: 22/12/2024
b50 250 Descripci\u00f3n
br420 250 Cantidad
br480 250 Precio
br545 250 Importe
50 266 Mesa de roble 180 cm
r420 266 5
r480 266 290,00
r545 266 1.450,00
50 280 Silla tapizada
r420 280 20
r480 280 35,00
r545 280 700,00
r480 320 Subtotal
r545 320 2.150,00 \u20ac
r480 334 IVA 21%
r545 334 451,50 \u20ac
br480 350 TOTAL
br545 350 2.601,50 \u20ac
"""], "Muebles Ribera S.A.", "MR-5521", "2024-11-22", "2024-12-22", "2601.50", "451.50", "2150", "EUR")

def cstr(s):
    out = []
    b = s.encode("utf-8")
    prev_hex = False
    for ch in b:
        c = chr(ch)
        if ch >= 0x80:
            out.append("\\x%02x" % ch); prev_hex = True; continue
        if prev_hex and c in "0123456789abcdefABCDEF":
            out.append('""')
        prev_hex = False
        if c == '"': out.append('\\"')
        elif c == '\\': out.append('\\\\')
        elif c == '\n': out.append('\\n')
        else: out.append(c)
    return '"' + "".join(out) + '"'

def lit(v):
    return "NULL" if v is None else cstr(v)

o = ["/* offline-invoices-held-out.h \u2014 invoices the extractor was not written against",
     " *",
     " * SPDX-License-Identifier: GPL-3.0-or-later",
     " *",
     " * Written before running the extractor on them, to measure how it does on",
     " * layouts unlike the fixtures it was developed with; generated by",
     " * tests/offline-invoices-held-out.py. Ground truth: what a person reads",
     " * (a tax split over several rates is their sum; NULL: not on the invoice).",
     " */",
     "",
     "static const Fixture held_out_fixtures[] = {"]
o = [l.encode("ascii", "backslashreplace").decode().replace("\\u2014", "-") for l in o]
for (name, comment, pages, *vals) in F:
    o.append("  {")
    import textwrap
    w = textwrap.wrap(comment.encode("ascii", "ignore").decode(), 88)
    o.append("    /* " + "\n     * ".join(w) + " */")
    o.append("    %s," % cstr(name))
    o.append("    {")
    for p in pages:
        body = p.lstrip("\n")
        ls = body.split("\n")
        parts = [l + "\n" for l in ls if l != ""]
        o.append("      " + "\n      ".join(cstr(x) for x in parts) + ",")
    o.append("    },")
    o.append("    " + ", ".join(lit(v) for v in vals) + ",")
    o.append("  },")
o.append("};")
o.append("")
o.append("/* Written after the set above had been used to fix the extractor, before")
o.append(" * running it on these: a second look at layouts it has not seen. */")
o.append("static const Fixture held_out_2_fixtures[] = {")
for (name, comment, pages, *vals) in F2:
    import textwrap
    w = textwrap.wrap(comment.encode("ascii", "ignore").decode(), 88)
    o.append("  {")
    o.append("    /* " + "\n     * ".join(w) + " */")
    o.append("    %s," % cstr(name))
    o.append("    {")
    for p in pages:
        body = p.lstrip("\n")
        parts = [l + "\n" for l in body.split("\n") if l != ""]
        o.append("      " + "\n      ".join(cstr(x) for x in parts) + ",")
    o.append("    },")
    o.append("    " + ", ".join(lit(v) for v in vals) + ",")
    o.append("  },")
o.append("};")
o.append("")
o.append("/* Written after the second set had been used for fixes, before running")
o.append(" * the extractor on these: a third look. */")
o.append("static const Fixture held_out_3_fixtures[] = {")
for (name, comment, pages, *vals) in F3:
    import textwrap
    w = textwrap.wrap(comment.encode("ascii", "ignore").decode(), 88)
    o.append("  {")
    o.append("    /* " + "\n     * ".join(w) + " */")
    o.append("    %s," % cstr(name))
    o.append("    {")
    for p in pages:
        body = p.lstrip("\n")
        parts = [l + "\n" for l in body.split("\n") if l != ""]
        o.append("      " + "\n      ".join(cstr(x) for x in parts) + ",")
    o.append("    },")
    o.append("    " + ", ".join(lit(v) for v in vals) + ",")
    o.append("  },")
o.append("};")
open(__import__("os").path.join(__import__("os").path.dirname(__import__("os").path.abspath(__file__)), "offline-invoices-held-out.h"), "w").write("\n".join(o) + "\n")
print(len(F), "fixtures;", "es totals", plain(net), plain(iva), plain(tot))
