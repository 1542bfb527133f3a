package goflow.impl.osgi;

import java.lang.annotation.Annotation;
import java.util.Map;

import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;

import goflow.api.Primitive;

/**
 * The life cycle every configured-primitive component shares: a changed configuration is applied
 * ({@link Configured#update}), a deleted one closes the primitive ({@link Configured#close}). Each
 * component is a subclass that declares its {@code @Component}, its Metatype and its
 * {@code @Activate} constructor; bnd reads these inherited {@code @Modified}/{@code @Deactivate}
 * methods ({@code -dsannotations-options: inherit} in goflow.impl's bnd.bnd).
 *
 * <p>Thread-safe: see {@link Configured}.
 *
 * @param <C> the configuration type
 * @param <P> the primitive type
 */
abstract class ConfiguredComponent<C extends Annotation, P extends Primitive> {
    /** The component's primitive and its configuration; set once by the constructor. */
    final Configured<C, P> configured;

    ConfiguredComponent(Configured<C, P> configured) {
        this.configured = configured;
    }

    /**
     * Applies a changed configuration: what can change live changes live, anything else recreates
     * the primitive, and an invalid configuration is logged and changes nothing.
     *
     * @param properties the configuration's properties
     */
    @Modified
    public void modified(Map<String, Object> properties) {
        configured.update(properties);
    }

    /** Unregisters and closes the primitive. */
    @Deactivate
    public void deactivate() {
        configured.close();
    }
}
