"""The caption relation reader: the statement patterns of the caption-relations guidelines on small
made-up records, and its score on the real development set."""

from __future__ import annotations

import importlib.util

import pytest

from exporters.model import Figure, GeneMention, TermMention
from exporters.records import clean_word
from exporters.relations import Relation, extract, name_key, split_sentences

from conftest import ROOT, SHARED


def gene(word: str, entrez: str, symbol: str | None = None, source: str = "hgnc_symbol") -> GeneMention:
    symbol = symbol or word
    return GeneMention(word=word, label=clean_word(word), symbol=symbol, source=source, hgnc_symbol=symbol,
                       entrez=entrez)


def family(word: str, name: str, members: dict[str, str]) -> list[GeneMention]:
    return [GeneMention(word=word, label=clean_word(word), symbol=name, source="bioentities_symbol",
                        hgnc_symbol=symbol, entrez=entrez) for symbol, entrez in members.items()]


def chemical(word: str, mesh: str) -> TermMention:
    return TermMention(word=word, label=word, mesh=mesh)


GENES = [gene("IL-6", "3569", "IL6"), gene("IL6R", "3570"), gene("LIF", "3976"), gene("LIFR", "3977"),
         gene("STAT3", "6774"), gene("STAT1", "6772"), gene("STAT2", "6773"), gene("JAK1", "3716"),
         gene("TYK2", "7297"), gene("MDM2", "4193"), gene("TP53", "7157"), gene("RIG-I", "23586", "DDX58",
                                                                                 "hgnc_alias_symbol"),
         gene("DDX60", "55601"), gene("IRF3", "3661"), gene("IRF7", "3665"), gene("SP1", "6667"),
         gene("MMP14", "4323")]
FAMILIES = family("JAK", "JAK", {"JAK2": "3717", "JAK3": "3718"}) + family(
    "NF-KB", "NFKB", {"NFKB1": "4790", "RELA": "5970"}) + family("AKT", "AKT", {"AKT1": "207", "AKT2": "208"})
CHEMICALS = [chemical("Tyrosine", "D014443"), chemical("L-DOPA", "D007980"), chemical("Dopamine", "D004298"),
             chemical("Disulfiram", "D004221")]


def figure(caption: str, genes=GENES + FAMILIES, chemicals=CHEMICALS) -> Figure:
    return Figure(figid="PMC1__test", title="test", caption=caption, genes=tuple(genes), chemicals=tuple(chemicals))


def triples(caption: str, **kwargs) -> set[tuple[str, str, str]]:
    return {(r.source, r.target, r.type) for r in extract(figure(caption), **kwargs)}


def test_active_statement_and_coordination():
    assert triples("JAK1 and TYK2 phosphorylate STAT1 and STAT2.") == {
        ("ncbigene:3716", "ncbigene:6772", "phosphorylation"), ("ncbigene:3716", "ncbigene:6773", "phosphorylation"),
        ("ncbigene:7297", "ncbigene:6772", "phosphorylation"), ("ncbigene:7297", "ncbigene:6773", "phosphorylation")}


def test_passive_statement_reads_the_agent_after_by():
    assert triples("STAT3 is phosphorylated by JAK1.") == {("ncbigene:3716", "ncbigene:6774", "phosphorylation")}
    assert triples("Levels of MDM2 are regulated by STAT3.") == {("ncbigene:6774", "ncbigene:4193", "regulation")}


def test_event_nouns_give_the_type():
    assert triples("IL-6-induced phosphorylation of STAT3 leads to increased expression of MDM2.") == {
        ("ncbigene:3569", "ncbigene:6774", "phosphorylation"), ("ncbigene:6774", "ncbigene:4193", "expression")}
    assert triples("The increased MDM2 levels promote p53 protein degradation.") == {
        ("ncbigene:4193", "ncbigene:7157", "degradation")}


def test_hedged_statement():
    (rel,) = extract(figure("RIG-I and DDX60 might interact with each other to recognize the virus."))
    assert (rel.source, rel.target, rel.type, rel.directed, rel.hedged) == (
        "ncbigene:23586", "ncbigene:55601", "binding", False, True)
    (rel,) = extract(figure("STAT3 can activate MDM2."))
    assert not rel.hedged  # "can" states an ability, not a hedge


def test_negated_and_hypothetical_statements_are_left_out():
    assert triples("STAT3 does not activate MDM2.") == set()
    assert triples("Whether STAT3 activates MDM2 is unknown.") == set()
    assert triples("MDM2 binds STAT1, but not STAT2.") == {("ncbigene:4193", "ncbigene:6772", "binding")}
    assert triples("There is no interaction between MDM2 and STAT1.") == set()
    assert triples("STAT3 not only activates MDM2 but also SP1.") == {
        ("ncbigene:6774", "ncbigene:4193", "activation"), ("ncbigene:6774", "ncbigene:6667", "activation")}


def test_grounding_through_vendored_names_and_spelling_variants():
    # "p53" is an HGNC alias of TP53, which the record lists; NF-κB is the record's family NFKB; IL6 = IL-6
    assert triples("MDM2 inhibits p53. IL6 activates NF-κB.") == {
        ("ncbigene:4193", "ncbigene:7157", "inhibition"), ("ncbigene:3569", "fplx:NFKB", "activation")}
    assert name_key("NF-κB") == name_key("NFkB") == name_key("NF-kappaB") == "NFKB"
    assert name_key("TNF-α") == name_key("TNF alpha") == "TNFA"
    # a caption in Mac Roman mojibake ("IFN-Œ±") still names IRF3 / IRF-3
    assert triples("IRF-3 and 7 activate STAT1.") == {
        ("ncbigene:3661", "ncbigene:6772", "activation"), ("ncbigene:3665", "ncbigene:6772", "activation")}


def test_names_the_record_does_not_list_are_not_guessed():
    assert triples("EGFR activates STAT3.") == set()  # EGFR is not on the record
    assert triples("STAT3 activates STAT3.") == set()


def test_simple_references():
    assert triples("IL-6 binds to its receptor to activate STAT3.") == {
        ("ncbigene:3569", "ncbigene:3570", "binding"), ("ncbigene:3569", "ncbigene:6774", "activation")}
    assert triples("The virus is recognized by RIG-I, which in turn activates IRF3 and IRF7.") == {
        ("ncbigene:23586", "ncbigene:3661", "activation"), ("ncbigene:23586", "ncbigene:3665", "activation")}
    assert triples("STAT3 is phosphorylated. It then induces expression of MDM2.") == {
        ("ncbigene:6774", "ncbigene:4193", "expression")}
    assert triples("Disulfiram inhibits MDM2, reducing the production of dopamine.") == {
        ("mesh:D004221", "ncbigene:4193", "inhibition"), ("mesh:D004221", "mesh:D004298", "inhibition")}


def test_statements_in_noun_phrases():
    assert triples("MDM2, a key negative regulator of p53, is induced by STAT3.") == {
        ("ncbigene:4193", "ncbigene:7157", "inhibition"), ("ncbigene:6774", "ncbigene:4193", "activation")}
    assert triples("SP1 acts as an activator of MMP14. STAT1 has an inhibitory effect on STAT3.") == {
        ("ncbigene:6667", "ncbigene:4323", "activation"), ("ncbigene:6772", "ncbigene:6774", "inhibition")}
    assert triples("The interaction of MDM2 with p53 requires the STAT1/STAT2 interaction.") == {
        ("ncbigene:4193", "ncbigene:7157", "binding"), ("ncbigene:6772", "ncbigene:6773", "binding")}


def test_complexes_and_conversions():
    assert triples("The STAT1/STAT2 heterodimer binds to IRF3.") >= {("ncbigene:6772", "ncbigene:6773", "binding")}
    assert triples("Tyrosine is converted into L-DOPA, which is then transformed into dopamine by TH.") == {
        ("mesh:D014443", "mesh:D007980", "conversion"), ("mesh:D007980", "mesh:D004298", "conversion")}


def test_slash_chains_only_when_asked():
    caption = "IL-6/JAK/STAT3 pathways induce chemoresistance."
    assert triples(caption) == set()
    assert triples(caption, chains=True) == {
        ("ncbigene:3569", "fplx:JAK", "chain"), ("fplx:JAK", "ncbigene:6774", "chain")}


def test_evidence_is_a_verbatim_span_of_its_sentence():
    caption = "LIF binds to LIFR. Then, phosphorylated STAT3 activates molecules including MDM2 and AKT/SP1."
    rels = extract(figure(caption))
    assert rels == extract(figure(caption))  # deterministic
    assert [(r.sentence, r.source_text, r.target_text) for r in rels] == [
        (1, "LIF", "LIFR"), (2, "STAT3", "MDM2"), (2, "STAT3", "AKT"), (2, "STAT3", "SP1")]
    for rel in rels:
        assert isinstance(rel, Relation)
        assert rel.sentence_text[rel.evidence_start:rel.evidence_end] == rel.evidence
        assert rel.sentence_text == split_sentences(caption)[rel.sentence - 1][1]
    assert rels[-1].evidence == "phosphorylated STAT3 activates molecules including MDM2 and AKT/SP1"


def test_sentences_split_as_the_guidelines_say():
    assert [s for _, s in split_sentences("A binds B. (B) C. 2 D. e.g. x")] == ["A binds B. (B) C.", "2 D. e.g. x"]


def test_an_ordinary_word_on_the_record_names_nothing():
    genes = [gene("and", "32798", "AND", "ncbigene_synonym"), gene("STAT3", "6774"), gene("Met", "79811", "SLTM",
                                                                                          "hgnc_alias_symbol")]
    assert extract(figure("STAT3 and Met activate SLTM and STAT3.", genes=genes)) == []


def test_a_synonym_the_caption_uses_next_to_the_genes_own_symbol_names_something_else():
    # ISGF3 is an HGNC alias of STAT1; a caption that also names STAT1 uses ISGF3 for the complex
    genes = [gene("ISGF3", "6772", "ISGF-3", "hgnc_alias_symbol"), gene("STAT1", "6772"), gene("STAT2", "6773"),
             gene("MX1", "4599")]
    caption = "STAT1 and STAT2 form a complex with IRF9, termed ISGF3. ISGF3 induces expression of MX1."
    assert ("ncbigene:6772", "ncbigene:4599", "expression") not in {
        (r.source, r.target, r.type) for r in extract(figure(caption, genes=genes))}
    # without STAT1 in the caption, or where the caption equates the two names, the synonym is the gene
    for caption in ("ISGF3 induces expression of MX1.", "ISGF3 (STAT1) induces expression of MX1.",
                    "ISGF3 induces expression of MX1 (i.e. STAT1 does)."):
        assert ("ncbigene:6772", "ncbigene:4599", "expression") in {
            (r.source, r.target, r.type) for r in extract(figure(caption, genes=genes))}


def test_a_modification_verb_without_a_type_is_a_verb_not_a_gap():
    genes = [gene("SIRT1", "23411"), gene("p-Tau", "4137", "tau", "hgnc_alias_symbol"), gene("STAT3", "6774")]
    # "phosphorylated" is the state of tau, not a second verb of SIRT1; "deacetylates and activates" both verbs
    assert extract(figure("SIRT1 deacetylates phosphorylated tau.", genes=genes)) == []
    assert [(r.source, r.target, r.type) for r in extract(figure("SIRT1 deacetylates and activates STAT3.",
                                                                 genes=genes))] == [
        ("ncbigene:23411", "ncbigene:6774", "activation")]


def test_interaction_of_two_coordinated_entities_is_their_binding():
    assert triples("A cascade involves the interaction of IRF3 and IRF7, followed by export.") == {
        ("ncbigene:3661", "ncbigene:3665", "binding")}
    assert triples("STAT1‐STAT2 interaction is shown.") == {("ncbigene:6772", "ncbigene:6773", "binding")}


def test_an_event_via_an_entity_has_it_as_agent_and_respectively_pairs_in_order():
    assert triples("NF-KB activation via JAK1 and TYK2 follows.") == {
        ("ncbigene:3716", "fplx:NFKB", "activation"), ("ncbigene:7297", "fplx:NFKB", "activation")}
    assert triples("IRF3 and NF-KB activation via JAK1 and TYK2, respectively, follows.") == {
        ("ncbigene:3716", "ncbigene:3661", "activation"), ("ncbigene:7297", "fplx:NFKB", "activation")}
    assert triples("Interferons and NF-KB activation via JAK1 and TYK2, respectively, follows.") == {
        ("ncbigene:7297", "fplx:NFKB", "activation")}
    assert triples("STAT3 phosphorylation via the JAK1/TYK2 pathway follows.") == set()


def test_slash_joined_agents_of_a_mediated_event_each_act():
    assert triples("JAK1/TYK2 mediated activation of the STAT1—STAT2 pathway and phosphorylation of MDM2.") == {
        ("ncbigene:3716", "ncbigene:6772", "activation"), ("ncbigene:7297", "ncbigene:6772", "activation"),
        ("ncbigene:3716", "ncbigene:6773", "activation"), ("ncbigene:7297", "ncbigene:6773", "activation"),
        ("ncbigene:3716", "ncbigene:4193", "phosphorylation"), ("ncbigene:7297", "ncbigene:4193", "phosphorylation")}
    assert triples("JAK1-mediated activation of STAT1 — the first step — and MDM2 expression follow.") == {
        ("ncbigene:3716", "ncbigene:6772", "activation")}  # a spaced dash ends the phrase


def test_an_appositive_with_the_between_subject_and_verb_is_skipped():
    assert triples("Activation of STAT3, the common adaptor for JAK1 and TYK2, leads to expression of MDM2.") == {
        ("ncbigene:6774", "ncbigene:4193", "expression")}


def test_spaced_down_regulation_of_an_activity_is_one_inhibition():
    assert triples("STAT3, which results in the down regulation of MDM2 activity.") == {
        ("ncbigene:6774", "ncbigene:4193", "inhibition")}
    assert triples("STAT3 is up regulated by JAK1.") == {("ncbigene:3716", "ncbigene:6774", "activation")}


def test_docking_and_a_cognate_receptor_are_binding():
    assert triples("IL-6 docks with its cognate receptor.") == {("ncbigene:3569", "ncbigene:3570", "binding")}
    assert triples("STAT3 docks onto JAK1.") == {("ncbigene:6774", "ncbigene:3716", "binding")}


def test_a_participle_between_a_verb_and_its_object_is_an_adjective():
    assert triples("STAT3 binds phosphorylated MDM2.") == {("ncbigene:6774", "ncbigene:4193", "binding")}
    assert triples("STAT3 also deacetylates phosphorylated MDM2, facilitating its degradation.") == {
        ("ncbigene:6774", "ncbigene:4193", "degradation")}


def test_these_heterodimers_are_the_complex_of_the_sentence_before():
    caption = "JAK1 leads to the formation of STAT1/STAT2 heterodimers. These heterodimers form a complex with IRF9."
    relations = extract(figure(caption, genes=GENES + [gene("IRF9", "10379")]))
    assert {(r.source, r.target, r.type, r.sentence) for r in relations if r.sentence == 2} == {
        ("ncbigene:6772", "ncbigene:10379", "binding", 2), ("ncbigene:6773", "ncbigene:10379", "binding", 2)}
    assert {r.evidence for r in relations if r.sentence == 2} == {"These heterodimers form a complex with IRF9"}


def _bench():
    spec = importlib.util.spec_from_file_location("bench_relations", ROOT / "bench" / "relations.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_development_set_score_stays_above_the_targets():
    if not (SHARED / "caption-relations" / "dev.tsv").is_file() or not (SHARED / "pfocr-corpus").is_dir():
        pytest.skip(f"the caption-relations development set is not at {SHARED} (set PFOCR_SHARED)")
    bench = _bench()
    figures = bench.load_figures(bench.DEV / "dev-figures.tsv")
    tallies = bench.score(figures, bench.read_tsv(bench.DEV / "dev.tsv"))
    assert tallies["all"].precision() >= bench.TARGET_PRECISION
    assert tallies["all"].recall() >= bench.TARGET_RECALL
    assert tallies["chain"].gold == 10  # chains are scored on their own
