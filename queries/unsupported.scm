; Constructs outside the supported subset: generics, unsafe, cgo.
(type_parameter_list) @generic.type_parameters
(import_spec path: (interpreted_string_literal) @import.path)
(ERROR) @syntax.error
(MISSING) @syntax.missing
