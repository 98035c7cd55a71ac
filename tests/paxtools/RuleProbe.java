import java.io.FileInputStream;
import java.util.*;

import org.biopax.paxtools.controller.ObjectPropertyEditor;
import org.biopax.paxtools.controller.PropertyEditor;
import org.biopax.paxtools.controller.SimpleEditorMap;
import org.biopax.paxtools.io.SimpleIOHandler;
import org.biopax.paxtools.model.BioPAXElement;
import org.biopax.paxtools.model.Model;
import org.biopax.paxtools.model.level3.*;

/**
 * Reads a BioPAX file with Paxtools and prints, one per line, what the BioPAX validator rules that
 * compare elements would find, judged with Paxtools' own model semantics (isEquivalent, getName):
 * "cloned <uri> <uri>" (ClonedUtilityClassRule), "same-name <uri> <uri>" (SameNameDiffKindPhysEntitiesRule),
 * "same-state <uri> <uri>" (EntityReferenceSamePhysicalEntitiesRule), "dangling <uri>" (DanglingElementRule),
 * "same-sides <conversion> <uri> <uri>" (SameLeftRightRule), "new-entity <conversion> <uri>"
 * (SimplePhysicalEntityConversionRule), "improper-feature <uri> <feature>" (SimplePhysicalEntityFeaturesRule),
 * "asymmetric-binding <feature>" (BindingFeatureSymmetricRule), then "elements <n>".
 * A probe for tests/test_paxtools.py, not the validator itself.
 */
public class RuleProbe {
    public static void main(String[] args) throws Exception {
        Model model = new SimpleIOHandler().convertFromOWL(new FileInputStream(args[0]));
        List<String> found = new ArrayList<>();

        Map<Integer, List<UtilityClass>> byCode = new HashMap<>();
        for (UtilityClass u : model.getObjects(UtilityClass.class))
            byCode.computeIfAbsent(u.equivalenceCode(), k -> new ArrayList<>()).add(u);
        for (List<UtilityClass> group : byCode.values())
            for (int i = 0; i < group.size(); i++)
                for (int j = i + 1; j < group.size(); j++)
                    if (group.get(i).isEquivalent(group.get(j)))
                        found.add("cloned " + group.get(i).getUri() + " " + group.get(j).getUri());

        Map<String, List<SimplePhysicalEntity>> byName = new HashMap<>();
        for (SimplePhysicalEntity pe : model.getObjects(SimplePhysicalEntity.class))
            if (pe.getEntityReference() != null)
                for (String name : pe.getName())
                    byName.computeIfAbsent(name, k -> new ArrayList<>()).add(pe);
        for (List<SimplePhysicalEntity> group : byName.values())
            for (int i = 0; i < group.size(); i++)
                for (int j = i + 1; j < group.size(); j++)
                    if (!group.get(i).getEntityReference().isEquivalent(group.get(j).getEntityReference()))
                        found.add("same-name " + group.get(i).getUri() + " " + group.get(j).getUri());

        for (EntityReference er : model.getObjects(EntityReference.class)) {
            List<SimplePhysicalEntity> pes = new ArrayList<>(er.getEntityReferenceOf());
            for (int i = 0; i < pes.size(); i++)
                for (int j = i + 1; j < pes.size(); j++)
                    if (pes.get(i).hasEquivalentFeatures(pes.get(j)) && pes.get(i).hasEquivalentCellularLocation(pes.get(j)))
                        found.add("same-state " + pes.get(i).getUri() + " " + pes.get(j).getUri());
        }

        Set<BioPAXElement> referenced = new HashSet<>();
        for (BioPAXElement e : model.getObjects())
            for (PropertyEditor editor : SimpleEditorMap.L3.getEditorsOf(e))
                if (editor instanceof ObjectPropertyEditor)
                    for (Object value : editor.getValueFromBean(e))
                        if (value instanceof BioPAXElement) referenced.add((BioPAXElement) value);
        for (BioPAXElement e : model.getObjects())
            if (!(e instanceof Pathway) && !referenced.contains(e)) found.add("dangling " + e.getUri());

        for (Conversion c : model.getObjects(Conversion.class)) {
            for (PhysicalEntity l : c.getLeft())
                for (PhysicalEntity r : c.getRight())
                    if (l.isEquivalent(r) && r.isEquivalent(l) && !differentReferences(l, r))
                        found.add("same-sides " + c.getUri() + " " + l.getUri() + " " + r.getUri());
            if (c instanceof ComplexAssembly || c instanceof Degradation) continue;
            for (Entity pe : c.getParticipant())
                if (pe instanceof SimplePhysicalEntity && !(pe instanceof SmallMolecule)
                        && ((SimplePhysicalEntity) pe).getEntityReference() != null) {
                    Set<PhysicalEntity> other = c.getLeft().contains(pe) ? c.getRight() : c.getLeft();
                    if (!sameKindIn((SimplePhysicalEntity) pe, other))
                        found.add("new-entity " + c.getUri() + " " + pe.getUri());
                }
        }

        for (SimplePhysicalEntity pe : model.getObjects(SimplePhysicalEntity.class)) {
            if (pe.getEntityReference() == null) continue;
            Set<EntityFeature> features = new HashSet<>(pe.getFeature());
            features.addAll(pe.getNotFeature());
            for (EntityFeature f : features)
                if (!pe.getEntityReference().getEntityFeature().contains(f))
                    found.add("improper-feature " + pe.getUri() + " " + f.getUri());
        }

        for (BindingFeature bf : model.getObjects(BindingFeature.class))
            if (bf.getBindsTo() != null && bf.getBindsTo().getBindsTo() != bf)
                found.add("asymmetric-binding " + bf.getUri());

        Collections.sort(found);
        for (String line : found) System.out.println(line);
        System.out.println("elements " + model.getObjects().size());
    }

    /** SameLeftRightRule's exception: entities of references with different URIs are not the same. */
    static boolean differentReferences(PhysicalEntity a, PhysicalEntity b) {
        if (!(a instanceof SimplePhysicalEntity) || !(b instanceof SimplePhysicalEntity)) return false;
        EntityReference x = ((SimplePhysicalEntity) a).getEntityReference();
        EntityReference y = ((SimplePhysicalEntity) b).getEntityReference();
        return x != null && y != null && !x.getUri().equalsIgnoreCase(y.getUri());
    }

    /** SimplePhysicalEntityConversionRule: the other side has an entity of an equivalent reference
     * (directly, in a complex or as a generic's member). */
    static boolean sameKindIn(SimplePhysicalEntity spe, Set<PhysicalEntity> side) {
        for (PhysicalEntity value : side) {
            if (value instanceof SimplePhysicalEntity) {
                EntityReference er = ((SimplePhysicalEntity) value).getEntityReference();
                if (!(value instanceof SmallMolecule) && er != null && er.isEquivalent(spe.getEntityReference()))
                    return true;
            } else if (sameKindIn(spe, ((Complex) value).getComponent())) {
                return true;
            }
            if (sameKindIn(spe, value.getMemberPhysicalEntity())) return true;
        }
        return false;
    }
}
