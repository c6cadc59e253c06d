; Top-level declarations of a Go source file, in source order.
(source_file (package_clause (package_identifier) @package))
(source_file (import_declaration) @import)
(source_file (function_declaration) @func)
(source_file (method_declaration) @method)
(source_file (type_declaration) @type)
(source_file (const_declaration) @const)
(source_file (var_declaration) @var)
