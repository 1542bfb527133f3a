// Checks the generation's properties, in batch mode too: maven-archetype-plugin checks a requiredProperty's
// validationRegex only when it prompts for the value (interactive mode), and the built-in properties (package,
// artifactId) not at all. Without this, a bad value generates a project that fails later with an obscure javac
// or bnd error. It runs once the project is generated (the plugin runs no script before): on a bad value it
// deletes the generated folder (the plugin refuses to generate into an existing one, so nothing else is there)
// and fails, each message naming the property, its value and the rule.
import javax.lang.model.SourceVersion

Properties p = request.properties
String artifactId = request.artifactId
String pkg = p.getProperty('package')
String stageName = p.getProperty('stageName')
String sourceName = p.getProperty('sourceName')
List<String> errors = []

// The stage and source names: the same rule as archetype-metadata.xml's validationRegex.
String nameRule = '^[a-z][a-z0-9-]*$'
String nameMeaning = 'a lower-case ASCII letter, then lower-case ASCII letters, digits and dashes'
[stageName: stageName, sourceName: sourceName].each { key, value ->
    if (value == null || !(value ==~ nameRule)) {
        errors << "${key} '${value}' must match ${nameRule} (${nameMeaning}), e.g. reverse-text"
    }
}

// The package: the generated sources are declared in it.
if (pkg == null || !SourceVersion.isName(pkg)) {
    def parts = (pkg ?: '').split('\\.', -1)
    def bad = parts.find { !SourceVersion.isIdentifier(it) || SourceVersion.isKeyword(it) }
    errors << ("package '${pkg}' is not a Java package name: each dot-separated part must be a Java identifier "
            + "that is not a keyword" + (bad == null ? '' : " ('${bad}' is not)") + ", e.g. com.example.new_ rather "
            + "than com.example.new" + (pkg == p.getProperty('groupId') ? " (it defaults to the groupId: set -Dpackage)" : ''))
}

// The artifactId is the Bundle-SymbolicName: dot-separated tokens of letters, digits, '_' and '-' (OSGi core 1.3.2).
String bsnRule = '^[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*$'
if (artifactId == null || !(artifactId ==~ bsnRule)) {
    errors << ("artifactId '${artifactId}' is the Bundle-SymbolicName and must match ${bsnRule} (dot-separated "
            + "tokens of ASCII letters, digits, '_' and '-')")
}

// Each configuration PID is <package>.<name without dashes> (a dash in a .cfg file name makes Felix FileInstall,
// the goflow container's deploy/ and Karaf's etc/, read it as a factory configuration): they must differ.
if (errors.isEmpty() && stageName.replace('-', '') == sourceName.replace('-', '')) {
    errors << ("stageName '${stageName}' and sourceName '${sourceName}' give the same configuration PID "
            + "${pkg}.${stageName.replace('-', '')}: the names must differ once their dashes are removed")
}

if (!errors.isEmpty()) {
    File project = new File(request.outputDirectory, artifactId ?: '')
    if (artifactId && project.isDirectory()) {
        project.deleteDir()
    }
    throw new IllegalArgumentException("goflow-plugin-archetype: nothing generated; "
            + errors.join('; ') + (errors.size() > 1 ? ' (' + errors.size() + ' problems)' : ''))
}
