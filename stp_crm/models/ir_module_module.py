from pathlib import Path

from odoo import models
from odoo.tools.translate import TranslationImporter, get_po_paths


class IrModuleModule(models.Model):
    _inherit = "ir.module.module"

    def _load_module_terms(self, modules, langs, overwrite=False, imported_module=False):
        """Apply ``stp_crm/i18n_extra/<lang>.po`` over the terms the other modules loaded.

        That file corrects other modules' translations of their own records (VND's
        currency unit is "đồng" in Vietnamese, where base keeps "Dong", so amounts in
        words read "... đồng"). A plain load keeps the translations already there,
        and a language is often installed before stp_crm, or after it (then base's
        file comes last): hence a forced load after every load that includes us."""
        super()._load_module_terms(modules, langs, overwrite=overwrite, imported_module=imported_module)
        if "stp_crm" not in modules:
            return
        importer = TranslationImporter(self.env.cr, verbose=False)
        for lang in langs:
            for path in get_po_paths("stp_crm", lang):
                if Path(path).parent.name == "i18n_extra":
                    importer.load_file(path, lang)
        importer.save(force_overwrite=True)
