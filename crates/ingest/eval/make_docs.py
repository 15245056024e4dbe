"""Writes the labelled documents 13-26 of the suggestion set (fiction written for this
project; no real review, child or family) and their labels, from one source, so that a
label's text is the item's text. Levels and agencies were set by reading each item, by
the rules in README.md. Run from this folder: `python3 make_docs.py`."""
import json
import textwrap

I = lambda agency: ("individual", agency)
X = ("inter_agency", None)


def item(marker, text, kind, label):
    return ("item", marker, text, kind, label)


def wrap(text, width):
    return "\n".join(textwrap.wrap(text, width)) if width else text


def render_text(blocks, width=0):
    out, items = [], []
    for b in blocks:
        if isinstance(b, str):
            out.append(b if b == "\f" else wrap(b, width))
        else:
            _, marker, text, kind, (level, agency) = b
            out.append(wrap((marker + " " if marker else "") + text, width))
            items.append({"text": text, "kind": kind, "level": level, "agency": agency})
    body = "\n\n".join(out).replace("\n\n\f\n\n", "\n\f\n")
    return body + "\n", items


def render_html(title, blocks):
    """blocks: strings starting with '#' are h2, '##' h3, 'TABLE:' opens a table whose
    header follows, ('row', no, text, agency_cell, kind, label) rows; other strings
    paragraphs; items inside <ol>."""
    html, items, mode = [f"<!DOCTYPE html><html><head><title>{title}</title></head><body>",
                         "<nav><ul><li><a href='/'>Home</a></li><li>Reviews</li></ul></nav>",
                         f"<main><h1>{title}</h1>"], [], None

    def close():
        nonlocal mode
        if mode == "ol":
            html.append("</ol>")
        elif mode == "table":
            html.append("</tbody></table>")
        mode = None

    for b in blocks:
        if isinstance(b, str):
            if b.startswith("TABLE:"):
                close()
                cells = b[len("TABLE:"):].split("|")
                html.append("<table class='recs'><thead><tr>" + "".join(f"<th>{c.strip()}</th>" for c in cells) + "</tr></thead><tbody>")
                mode = "table"
                continue
            close()
            if b.startswith("## "):
                html.append(f"<h3>{b[3:]}</h3>")
            elif b.startswith("# "):
                html.append(f"<h2>{b[2:]}</h2>")
            else:
                html.append(f"<p>{b}</p>")
        elif b[0] == "row":
            _, no, text, agency_cell, kind, (level, agency) = b
            html.append(f"<tr><td>{no}</td><td>{text}</td><td>{agency_cell}</td></tr>")
            items.append({"text": text, "kind": kind, "level": level, "agency": agency})
        else:
            _, marker, text, kind, (level, agency) = b
            if mode != "ol":
                close()
                html.append("<ol>")
                mode = "ol"
            html.append(f"<li>{text}</li>")
            items.append({"text": text, "kind": kind, "level": level, "agency": agency})
    close()
    html.append("</main><footer>Contact the Board</footer></body></html>")
    return "\n".join(html) + "\n", items


def row(no, text, agency_cell, kind, label):
    return ("row", no, text, agency_cell, kind, label)


DOCS = {}

# ---------------------------------------------------------------- dev documents
DOCS["13-aldermoor-baby-r"] = ("dev", "txt", 0, [
    "Aldermoor Safeguarding Children Partnership",
    "Serious Case Review: Baby R\nExecutive Summary",
    "1. Introduction",
    "1.1 Baby R was four months old when she was taken to the emergency department of Aldermoor General Hospital with a head injury. The Partnership commissioned this review in May 2015.",
    "2. Summary of learning",
    item("2.1", "Professionals took the parents' explanation for the injury at face value and did not ask who else had cared for Baby R that day.", "lesson", X),
    item("2.2", "The acute trust's paediatric team discharged Baby R before the skeletal survey had been reported.", "lesson", I("acute_paediatrics")),
    item("2.3", "The midwife knew that the father had been violent to a previous partner but did not record it in the maternity notes.", "lesson", I("midwifery")),
    item("2.4", "Information about the father's violence held by Aldermoor Police was not passed to the health visitor.", "lesson", I("police")),
    item("2.5", "No professional saw the father with the baby, and his part in her care was not assessed.", "lesson", X),
    "3. Recommendations",
    "The panel makes the following recommendations.",
    item("3.1", "Professionals should ask who lives in the household and who cares for the baby at every contact in the first year.", "recommendation", X),
    item("3.2", "The acute trust should ensure that no child under one with an unexplained injury is discharged before the skeletal survey has been reported.", "recommendation", I("acute_paediatrics")),
    item("3.3", "The maternity service should record any history of domestic abuse disclosed at booking in a section of the notes that health visitors can see.", "recommendation", I("midwifery")),
    item("3.4", "The panel recommends that Aldermoor Police share domestic abuse notifications involving pregnant women with the midwifery service within two working days.", "recommendation", I("police")),
    item("3.5", "The Partnership should seek assurance from all agencies that fathers and male carers are routinely included in assessments.", "recommendation", X),
    "4. Conclusion",
    "The injury to Baby R could not have been predicted, but the review found missed opportunities to understand the risk posed by her father.",
])

DOCS["14-brackenfield-child-n"] = ("dev", "txt", 78, [
    "BRACKENFIELD LOCAL SAFEGUARDING CHILDREN BOARD",
    "Serious Case Review in respect of Child N",
    "Executive Summary",
    "Background",
    "Child N was nine years old and lived with her mother and two younger brothers. The family had been known to children's social care for six years because of neglect. Child N attended Brackenfield Primary School.",
    "Key Findings",
    item("Finding 1:", "Child N's school recorded poor attendance, hunger and head lice over three years, but did not escalate its concerns when referrals were closed.", "lesson", I("school")),
    item("Finding 2:", "Children's social care closed four referrals after single visits without seeing the children alone.", "lesson", I("childrens_social_care")),
    item("Finding 3:", "The school nurse was not invited to the child in need meetings, although she had seen Child N more often than any other professional.", "lesson", X),
    item("Finding 4:", "The GP practice did not follow up eleven missed appointments for the three children.", "lesson", I("general_practice")),
    item("Finding 5:", "Agencies did not share a common understanding of the threshold for neglect.", "lesson", X),
    "Good practice",
    item("", "The family support worker from the early help team visited weekly and was a consistent adult for Child N; this was good practice.", "good_practice", I("early_help")),
    "Recommendations",
    "Recommendations for Children's Social Care",
    item("1.", "Managers should ensure that no referral about neglect is closed without the children being seen alone.", "recommendation", I("childrens_social_care")),
    item("2.", "Child in need meetings should include every professional who has regular contact with the child.", "recommendation", I("childrens_social_care")),
    "Recommendations for Brackenfield Primary School",
    item("3.", "The designated safeguarding lead should use the Board's escalation procedure when a referral is closed and concerns remain.", "recommendation", I("school")),
    "Recommendations for the LSCB",
    item("4.", "The LSCB should publish a neglect strategy and a threshold guide for all partner agencies.", "recommendation", X),
    item("5.", "The LSCB should ensure agencies understand the escalation procedure through multi-agency training.", "recommendation", X),
])

DOCS["15-corbridge-young-person-d"] = ("dev", "txt", 0, [
    "Corbridge Safeguarding Children Board",
    "Child Safeguarding Practice Review: Young Person D (aged 16)",
    "Overview",
    "D was sixteen when she died after taking an overdose. She had been known to CAMHS, the youth offending team and her college.",
    "What we have learned",
    item("Learning point 1 -", "D's repeated attendances at the emergency department after self-harm were each treated as a single event and were not linked.", "lesson", I("emergency_department")),
    item("Learning point 2 -", "The youth offending team saw D's cannabis use as a criminal matter and did not refer her to the young people's substance misuse service.", "lesson", I("youth_justice")),
    item("Learning point 3 -", "CAMHS discharged D after two missed appointments without telling her GP or the college.", "lesson", I("camhs")),
    item("Learning point 4 -", "Practitioners did not hear D's own account of her distress, because conversations were mostly with her mother.", "lesson", X),
    item("Learning point 5 -", "The college's student support team noticed that D was withdrawn and made a prompt referral to CAMHS.", "good_practice", I("further_education")),
    "Recommendations",
    item("R1.", "The hospital trust should put in place an alert in the emergency department for young people who attend more than once with self-harm.", "recommendation", I("emergency_department")),
    item("R2.", "CAMHS should not discharge a young person who has self-harmed for missed appointments without a discussion with the referrer.", "recommendation", I("camhs")),
    item("R3.", "The youth offending service should screen every young person for substance misuse and refer on where needed.", "recommendation", I("youth_justice")),
    item("R4.", "All practitioners working with adolescents should make time to speak to the young person on their own.", "recommendation", X),
    item("R5.", "The Board should ask the clinical commissioning group to review waiting times for CAMHS.", "recommendation", X),
])

DOCS["16-dunmore-siblings-html"] = ("dev", "html", None, [
    "The Dunmore Safeguarding Children Board commissioned this review after the serious neglect of three siblings came to light in 2016.",
    "# Findings",
    item("", "Health visitors recorded the poor state of the home on five visits but did not make a referral.", "lesson", I("health_visiting")),
    item("", "Housing officers saw that the home was unfit but the information was not shared with children's social care.", "lesson", I("housing")),
    item("", "Different agencies held different parts of the picture and no one brought it together.", "lesson", X),
    item("", "The police attended two incidents at the house and did not complete a child welfare notification.", "lesson", I("police")),
    "# Recommendations",
    "The panel makes the following recommendations to the Board and its partners.",
    "TABLE:No.|Recommendation|Agency",
    row("1", "Ensure that staff make a referral when the home conditions put a child's health at risk.", "Health visiting service", "recommendation", I("health_visiting")),
    row("2", "Share concerns about the condition of a tenant's home with children's social care when children live there.", "Dunmore Homes housing association", "recommendation", I("housing")),
    row("3", "Complete a child welfare notification for every incident attended where children live at the address.", "Dunmore Police", "recommendation", I("police")),
    row("4", "Develop a multi-agency neglect screening tool and train staff in its use.", "All agencies", "recommendation", X),
    row("5", "Audit the quality of referrals about neglect and report to the Board within a year.", "LSCB", "recommendation", X),
    "# Conclusion",
    "The children are now safe. The Board thanks the professionals who contributed to this review.",
])

DOCS["17-eastwold-infant-g"] = ("dev", "txt", 80, [
    "Eastwold Local Safeguarding Children Board",
    "SERIOUS CASE REVIEW - INFANT G",
    "EXECUTIVE SUMMARY",
    "1 Introduction",
    "1.1 Infant G died at seven weeks old. The post-mortem examination found injuries consistent with shaking. Infant G's mother had a history of depression and was under the care of the mental health trust.",
    "5 Lessons learned",
    item("5.1", "The community mental health team did not consider the risk to the baby when the mother stopped taking her medication.", "lesson", I("adult_mental_health")),
    item("5.2", "The ambulance crew who attended a call about the baby's breathing did not record who was present in the home.", "lesson", I("ambulance")),
    item("5.3", "The probation officer supervising the father knew of the pregnancy but did not tell children's social care.", "lesson", I("probation")),
    item("5.4", "Health professionals did not share what each knew of the mother's mental state, and each assumed that another was monitoring it.", "lesson", X),
    item("5.5", "The clinical commissioning group had not commissioned a perinatal mental health service, so the mother waited for an adult assessment.", "lesson", I("commissioners")),
    "6 Recommendations",
    item("6.1", "The mental health trust should ensure that care plans for parents of babies include the baby's safety and are shared with the health visitor.", "recommendation", I("adult_mental_health")),
    item("6.2", "The ambulance service should record the names of all adults present at calls involving a child under one.", "recommendation", I("ambulance")),
    item("6.3", "The National Probation Service should notify children's social care when a man under supervision is to become a father.", "recommendation", I("probation")),
    item("6.4", "The CCG should commission a specialist perinatal mental health service.", "recommendation", I("commissioners")),
    item("6.5", "Eastwold LSCB should review its multi-agency protocol for pre-birth assessment.", "recommendation", X),
])

DOCS["18-fernleigh-child-c"] = ("dev", "txt", 0, [
    "Fernleigh Safeguarding Children Board",
    "Serious Case Review: Child C",
    "Executive summary",
    "Introduction",
    "Child C, aged three, was admitted to hospital with serious burns. He attended a private nursery and was known to the early help service.",
    "Lessons from this review",
    item("•", "Early help practitioners did not see the father's drinking as a risk to a young child.", "lesson", I("early_help")),
    item("•", "The nursery did not know that the family had been referred to early help, so its own concerns were not placed in context.", "lesson", X),
    item("•", "All agencies relied on the mother's account and did not check what she said with each other.", "lesson", X),
    item("•", "The GP saw Child C for a scald and accepted the explanation without asking to see the other children.", "lesson", I("general_practice")),
    "Recommendations",
    item("•", "All agencies should ensure that staff check information given by parents with other professionals when there are concerns.", "recommendation", X),
    item("•", "Early help services should use an alcohol screening tool with every family they support.", "recommendation", I("early_help")),
    item("•", "Nurseries and childminders should be told when a child they care for is receiving early help.", "recommendation", X),
    item("•", "GP practices should follow the Board's guidance on burns and scalds in young children.", "recommendation", I("general_practice")),
    item("•", "The Board should evaluate the impact of this review's learning in twelve months.", "recommendation", X),
])

DOCS["19-glenholm-child-w"] = ("dev", "txt", 0, [
    "Glenholm Safeguarding Children Partnership",
    "Serious Case Review: Child W",
    "Summary",
    "Child W was twelve and had been excluded from two schools. He was found to have been exploited to carry drugs to a neighbouring county.",
    "Conclusions and recommendations",
    item("a)", "Child W's exclusions removed the one setting where adults saw him every day, and the risk this created was not considered by the school or the local authority.", "lesson", X),
    item("b)", "The police treated Child W as an offender when he was found with drugs far from home, and did not make a referral for him as a possible victim of exploitation.", "lesson", I("police")),
    item("c)", "The school should consider the safeguarding risks before any exclusion of a child known to children's social care.", "recommendation", I("school")),
    item("d)", "The police should refer every child found carrying drugs out of area to the National Referral Mechanism.", "recommendation", I("police")),
    item("e)", "Children's social care should complete an exploitation risk assessment for any child who goes missing out of area.", "recommendation", I("childrens_social_care")),
    item("f)", "The Partnership should work with neighbouring partnerships on a shared approach to county lines.", "recommendation", X),
])

# ----------------------------------------------------------- held-out documents
DOCS["20-hallowmere-baby-f"] = ("heldout", "txt", 0, [
    "Hallowmere LSCB",
    "Serious Case Review: Baby F",
    "Executive Summary",
    "Baby F was admitted to hospital at ten weeks with a broken arm and bruising to his chest. His mother was nineteen and had been in care herself.",
    "Findings",
    item("1.", "The leaving care service did not tell the midwife that the mother had been in care and had little support.", "lesson", I("childrens_social_care")),
    item("2.", "The health visitor saw a bruise on the baby's cheek and accepted the mother's explanation without seeking advice.", "lesson", I("health_visiting")),
    item("3.", "The emergency department's staff did recognise that the injury was unusual and made a referral the same day, which was good practice.", "good_practice", I("emergency_department")),
    item("4.", "Professionals did not consider the mother's own experience of care when assessing the support she needed.", "lesson", X),
    "Recommendations",
    item("1.", "The leaving care service should share its knowledge of a care leaver's pregnancy with the midwifery service.", "recommendation", I("childrens_social_care")),
    item("2.", "Health visitors should seek advice from a paediatrician about any bruise seen on a baby who is not mobile.", "recommendation", I("health_visiting")),
    item("3.", "All professionals working with young parents should consider the parent's own history of care.", "recommendation", X),
    item("4.", "Hallowmere LSCB should refresh its protocol for bruising in non-mobile babies and promote it across the partnership.", "recommendation", X),
])

DOCS["21-ironbridge-child-h"] = ("heldout", "txt", 76, [
    "IRONBRIDGE SAFEGUARDING CHILDREN BOARD",
    "Serious Case Review - Child H",
    "Executive Summary",
    "2. Background",
    "2.1 Child H was six years old and lived with his mother and her partner. He had a diagnosis of autism and attended a special school. The family moved three times in two years.",
    "\f",
    "Ironbridge SCB - Child H - Executive Summary",
    "7. Key lessons",
    item("7.1", "The special school saw Child H's distress and his weight loss as part of his autism and did not consider neglect.", "lesson", I("school")),
    item("7.2", "The mother's partner was not known to any agency, although he had lived in the household for a year.", "lesson", X),
    item("7.3", "When the family moved, health records took four months to reach the new GP practice.", "lesson", X),
    item("7.4", "Children's social care assessed the family without asking the school how Child H communicated his feelings.", "lesson", I("childrens_social_care")),
    "\f",
    "Ironbridge SCB - Child H - Executive Summary",
    "8. Recommendations",
    item("8.1", "Special schools should be helped to recognise signs of neglect in children with communication difficulties.", "recommendation", I("school")),
    item("8.2", "Children's social care should seek the views of people who know how a disabled child communicates before completing an assessment.", "recommendation", I("childrens_social_care")),
    item("8.3", "NHS England should review how quickly records are transferred between GP practices.", "recommendation", I("national_body")),
    item("8.4", "Agencies should ask who lives in the household at each contact and record the answer.", "recommendation", X),
])

DOCS["22-jarrow-vale-child-e"] = ("heldout", "txt", 0, [
    "Jarrow Vale Safeguarding Partnership",
    "Local Child Safeguarding Practice Review: Child E",
    "Introduction",
    "Child E, aged fourteen, was sexually exploited by a group of adult men over eighteen months.",
    "Learning",
    item("", "Police officers who found Child E with older men in a car did not treat this as a safeguarding concern.", "lesson", I("police")),
    item("", "The school nurse who ran the drop-in clinic saw Child E four times and did not share her concerns with Child E's social worker.", "lesson", I("school_nursing")),
    item("", "Her school noticed changes in her behaviour and made a referral that was acted on promptly.", "good_practice", I("school")),
    item("", "Professionals used language that suggested Child E had chosen her relationships with the men.", "lesson", X),
    "Recommendations",
    item("Recommendation 1:", "Jarrow Vale Police should train all response officers to recognise the signs of child sexual exploitation.", "recommendation", I("police")),
    item("Recommendation 2:", "The school nursing service should refer any child under sixteen who is in a relationship with an adult to children's social care.", "recommendation", I("school_nursing")),
    item("Recommendation 3:", "The Partnership should publish guidance on language used about exploited children.", "recommendation", X),
    item("Recommendation 4:", "Children's social care should hold a strategy discussion whenever there is a concern that a child is being exploited.", "recommendation", I("childrens_social_care")),
])

DOCS["23-kestrel-bay-children-html"] = ("heldout", "html", None, [
    "Kestrel Bay Safeguarding Children Board commissioned this review after two children were found living in a caravan without heating in winter.",
    "# Key learning",
    item("", "The school nursing service knew the children were often unwell but did not visit the home.", "lesson", I("school_nursing")),
    item("", "The children's centre closed its involvement when the family stopped attending, and did not tell anyone.", "lesson", I("early_years")),
    item("", "Agencies did not challenge each other when they disagreed about whether the children were neglected.", "lesson", X),
    "# Recommendations",
    "The review makes the following recommendations.",
    "TABLE:Number|Recommendation|Lead agency",
    row("1", "Visit the home of any school-age child with repeated absences for illness when concerns about neglect have been raised.", "School nursing service", "recommendation", I("school_nursing")),
    row("2", "Tell the health visitor and the referrer when a family with young children stops attending.", "Children's centres", "recommendation", I("early_years")),
    row("3", "Promote the escalation policy so that professionals challenge decisions with which they disagree.", "Kestrel Bay Safeguarding Children Board", "recommendation", X),
    row("4", "Ensure that families living in caravans and other temporary homes are identified and offered early help.", "Kestrel Bay District Council housing service", "recommendation", I("housing")),
    "# Conclusion",
    "The Board has accepted all of the recommendations and will monitor the action plan.",
])

DOCS["24-lindisfarne-child-o"] = ("heldout", "txt", 0, [
    "Lindisfarne Local Safeguarding Children Board",
    "Serious Case Review: Child O",
    "Executive summary",
    "Child O was two years old when she died of an overdose of methadone prescribed to her father.",
    "Lessons learned",
    item("(i)", "The drug treatment service did not ask whether the father's methadone was stored safely in a home with a young child.", "lesson", I("substance_misuse_services")),
    item("(ii)", "The pharmacy and the prescribing GP did not know that a child lived in the household.", "lesson", X),
    item("(iii)", "The health visitor was not told that either parent was receiving treatment for drug use.", "lesson", X),
    item("(iv)", "The drug treatment service's keyworker and the health visitor met jointly with the parents after the first concern, which was good practice.", "good_practice", X),
    "Recommendations",
    item("(i)", "The drug and alcohol service should assess the safe storage of prescribed medicines at every review of a parent with children.", "recommendation", I("substance_misuse_services")),
    item("(ii)", "GPs should record on the parent's record when a patient prescribed opiate substitutes lives with children.", "recommendation", I("general_practice")),
    item("(iii)", "The LSCB should ensure that agencies working with parents who use drugs share information with the health visiting service.", "recommendation", X),
])

DOCS["25-marlow-heath-young-person-a"] = ("heldout", "txt", 0, [
    "Marlow Heath Safeguarding Children Board",
    "Serious Case Review: Young Person A",
    "Executive Summary",
    "Young Person A was fifteen and in foster care when he was seriously assaulted. He had been placed in Marlow Heath by another local authority, more than fifty miles from his home.",
    "Findings and recommendations",
    "Finding 1",
    "The placing authority did not tell the local police and children's social care that a looked after child had been placed in their area.",
    "Recommendation 1",
    "The placing authority should notify the host authority and police within five days of any out of area placement.",
    "Finding 2",
    "The independent reviewing officer did not challenge the placement although A said he felt unsafe there.",
    "Recommendation 2",
    "Independent reviewing officers should escalate any placement in which a child says that he feels unsafe.",
    "Finding 3",
    "A's new school was not given his education plan for six weeks.",
    "Recommendation 3",
    "The virtual school should make sure that the education plan reaches the new school before a child starts there.",
])
# labels for 25 (items given above as plain text; a label kept beside each)
DOCS_LABELS_25 = [
    ("The placing authority did not tell the local police and children's social care that a looked after child had been placed in their area.", "lesson", I("other_local_authority")),
    ("The placing authority should notify the host authority and police within five days of any out of area placement.", "recommendation", I("other_local_authority")),
    ("The independent reviewing officer did not challenge the placement although A said he felt unsafe there.", "lesson", I("childrens_social_care")),
    ("Independent reviewing officers should escalate any placement in which a child says that he feels unsafe.", "recommendation", I("childrens_social_care")),
    ("A's new school was not given his education plan for six weeks.", "lesson", X),
    ("The virtual school should make sure that the education plan reaches the new school before a child starts there.", "recommendation", I("school")),
]

DOCS["26-northwick-child-v"] = ("heldout", "txt", 0, [
    "Northwick Safeguarding Children Partnership",
    "Serious Case Review: Child V",
    "Executive Summary",
    "Child V was eight and was the subject of a child protection plan for emotional abuse when she was injured by her father.",
    "Lessons",
    item("1.", "Core group meetings focused on the parents' attendance at courses rather than on whether Child V's life had improved.", "lesson", X),
    item("2.", "The independent domestic violence advocate was not invited to the child protection conference.", "lesson", X),
    item("3.", "The school's safeguarding lead kept a detailed record of what Child V said, and her words were brought to the conference.", "good_practice", I("school")),
    item("4.", "The father's probation officer was not aware that his risk assessment should have included the children.", "lesson", I("probation")),
    "Recommendations",
    item("1.", "Chairs of child protection conferences should ensure that plans measure changes in the child's daily life.", "recommendation", I("childrens_social_care")),
    item("2.", "The domestic abuse service should be invited to conferences where domestic abuse is a concern.", "recommendation", X),
    item("3.", "The probation service should include children in the household in every risk assessment of a perpetrator of domestic abuse.", "recommendation", I("probation")),
    item("4.", "The Partnership should audit core group minutes for evidence of the child's voice.", "recommendation", X),
])

DOCS["27-oakhurst-baby-y"] = ("heldout", "txt", 0, [
    "Oakhurst Safeguarding Children Board",
    "Serious Case Review: Baby Y",
    "Executive Summary",
    "Baby Y died at five months. The cause of death was unascertained, but he had been sleeping on a sofa with his father, who had drunk alcohol.",
    "SECTION 4: LEARNING",
    item("4.1", "Safe sleep advice was given to the mother by the maternity unit and the health visitor, but never to the father.", "lesson", X),
    item("4.2", "The GP did not ask about the father's drinking when he attended with anxiety.", "lesson", I("general_practice")),
    item("4.3", "The children's centre noticed that the family had no cot and obtained one for them, which was good practice.", "good_practice", I("early_years")),
    "SECTION 5: RECOMMENDATIONS",
    "HEALTH VISITING",
    item("5.1", "Safe sleep advice should be given to every adult who cares for the baby, and recorded.", "recommendation", I("health_visiting")),
    "GENERAL PRACTICE",
    item("5.2", "Patients who disclose heavy drinking should be asked whether they care for a child under two.", "recommendation", I("general_practice")),
    "MULTI-AGENCY",
    item("5.3", "The Board should commission a safe sleep campaign that reaches fathers.", "recommendation", X),
    item("5.4", "Agencies should ensure that their staff know the Board's guidance on safe sleep and alcohol.", "recommendation", X),
])

DOCS["28-penrose-child-t-html"] = ("heldout", "html", None, [
    "Penrose Safeguarding Children Partnership published this review of the death of Child T, aged eleven, in 2019.",
    "# Lessons learned",
    item("", "The school did not know that Child T had moved to live with her aunt, because children's social care did not tell it.", "lesson", I("childrens_social_care")),
    item("", "The aunt's private fostering arrangement was not assessed by any agency.", "lesson", X),
    item("", "The police responded quickly to the aunt's report that Child T was missing and found her the same night.", "good_practice", I("police")),
    "# Recommendations",
    item("", "Children's social care should tell a child's school within two days when the child's carer changes.", "recommendation", I("childrens_social_care")),
    item("", "Schools should ask about private fostering whenever a child's carer changes.", "recommendation", I("school")),
    item("", "The Partnership should run a campaign to raise awareness of private fostering across all agencies.", "recommendation", X),
    item("", "Penrose Council's housing department should ask about children living in a household when it rehouses a family.", "recommendation", I("housing")),
])

for name, (split, fmt, width, blocks) in DOCS.items():
    if fmt == "html":
        title = "Serious Case Review: " + name.split("-", 1)[1].replace("-html", "").replace("-", " ").title()
        body, items = render_html(title, blocks)
        ext = "html"
    else:
        body, items = render_text(blocks, width)
        ext = "txt"
    if name.startswith("25-"):
        items = [{"text": t, "kind": k, "level": l, "agency": a} for t, k, (l, a) in DOCS_LABELS_25]
    with open(f"{name}.{ext}", "w") as f:
        f.write(body)
    with open(f"{name}.json", "w") as f:
        f.write(json.dumps({"split": split, "items": items}, indent=2, ensure_ascii=False) + "\n")
    print(name, split, len(items))
