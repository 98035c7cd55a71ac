"""Reading PFOCR bulk tables: the 3,592 real figures of the 2020 subsets."""

from __future__ import annotations

from exporters.bulk import iter_bulk, read_bulk
from exporters.cli import main
from exporters.records import RecordError


def test_corpus_reads_every_figure_once(corpus_dir):
    figures = list(read_bulk(corpus_dir))
    assert len(figures) == 3592
    assert len({f.figid for f in figures}) == 3592
    assert not any(f.figid.endswith(".jpg") for f in figures)
    assert all(f.genes for f in figures)
    # rows repeated across subsets collapse: 106,260 distinct (figid, row) pairs in the table
    assert sum(len(f.genes) for f in figures) <= 106260


def test_titles_come_from_figure_tables_with_a_clear_fallback(corpus_dir):
    figures = {f.figid: f for f in read_bulk(corpus_dir)}
    titled = figures["PMC2153436__nihms35807f4"]
    assert titled.title == "Immune Response and Cell Cycle Networks"
    assert titled.caption.startswith("Expression of genes contributing to the Immune Response")
    assert titled.organisms == ("Homo sapiens",)
    untitled = [f for f in figures.values() if f.title.startswith("Untitled PFOCR figure ")]
    assert untitled and all(f.figid in f.title for f in untitled)


def test_organism_column_drops_placeholders_and_splits_lists(corpus_dir):
    for figure in read_bulk(corpus_dir):
        assert not {"XXX", "REJECT", "NA"} & set(figure.organisms)
        assert all("," not in o for o in figure.organisms)


def test_bad_entrez_in_a_gene_table_is_reported_and_the_rest_read(tmp_path):
    table = tmp_path / "genes.tsv"
    table.write_text("figid\tpmcid\tword\tsymbol\tsource\thgnc_symbol\tentrez\n"
                     "PMC1__a.jpg\tPMC1\tJAK1\tJAK1\thgnc_symbol\tJAK1\t3716\n"
                     "PMC2__b.jpg\tPMC2\tX\tX\thgnc_symbol\tX\tnope\n"
                     "PMC1__a.jpg\tPMC1\tSTAT3\tSTAT3\thgnc_symbol\tSTAT3\t6774\n")
    items = list(iter_bulk(table))
    assert [type(i) for i in items] == [type(items[0]), RecordError]
    assert [g.entrez for g in items[0].genes] == ["3716", "6774"]  # runs of one figure are joined
    assert "genes[0].entrez: 'nope' is not a string of digits" in str(items[1])


def test_convert_bulk_from_the_command_line(corpus_dir, tmp_path, capsys):
    assert main(["convert", "--bulk", str(corpus_dir), "-o", str(tmp_path), "-f", "json", "-q", "-j", "2"]) == 0
    assert len(list((tmp_path / "json").iterdir())) == 3592
    assert "3592 records read, 3592 converted, 0 failed" in capsys.readouterr().out


def test_a_figure_whose_rows_exceed_the_record_limit_is_refused_and_the_rest_read(tmp_path):
    table = tmp_path / "genes.tsv"
    row = "PMC2__b.jpg\tPMC2\tX\tX\thgnc_symbol\tSTAT3\t6774\n"
    with table.open("w") as handle:
        handle.write("figid\tpmcid\tword\tsymbol\tsource\thgnc_symbol\tentrez\n"
                     "PMC1__a.jpg\tPMC1\tJAK1\tJAK1\thgnc_symbol\tJAK1\t3716\n")
        handle.write(row * (10 * 1024 * 1024 // len(row) + 1))
    items = list(iter_bulk(table))
    assert [type(i).__name__ for i in items] == ["Figure", "RecordError"]
    assert str(items[1]).startswith("genes.tsv:PMC2__b.jpg: genes.tsv: the figure's rows take ")
    assert "over the 10,485,760-byte limit of a record" in str(items[1])
