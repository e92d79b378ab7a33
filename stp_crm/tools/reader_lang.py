"""Texts built in code are rendered for whoever reads them: their language, else the
company's (a cron runs in no one's language), with the dates in that language's format."""


def for_reader(records, partner, company=None):
    """``records`` in the language of ``partner`` (the customer who gets the message, the
    user who gets the activity), else of ``company`` (the records' own by default)."""
    company = company or records.company_id[:1] or records.env.company
    return records.with_context(lang=partner.lang or company.partner_id.lang or records.env.lang)
