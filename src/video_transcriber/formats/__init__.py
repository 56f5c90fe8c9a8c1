"""Transcript writers: txt, srt, vtt, json, tsv, md, html."""
